"""A verdict's snapshot: everything its page and its API document show, frozen when it is computed.

`build` makes one from the evidence matrix and the method's outcome; its shape is `Snapshot`, and
its `schema` number says which shape it has. Snapshots stored before a shape changed are read
through `upgrade`, which brings them to the current one, so that every reader (the page, the API
document, what changed since a verdict) reads one shape only.
"""

import copy
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.db.models import F
from django.utils import timezone

from frameworks.evidence import Cell, Matrix
from frameworks.models import Claim, describe_publication
from frameworks.staleness import CLAIM_DATE, is_stale
from frameworks.versions import in_scope
from frameworks.weighing import witness

from . import scoring
from .questionnaire import WeightMove

# Schema 1: snapshots stored before they carried a number, in every shape they had until then.
# Schema 2: the number itself, and every key below present.
SCHEMA_VERSION = 2


class CriterionInfo(TypedDict):
    name: str
    default_weight: int


class WeightReason(TypedDict):
    delta: int
    why: str
    must_have: bool


class Ranked(TypedDict):
    framework: str
    score: float
    excluded_reason: str
    lacks_evidence: bool
    failed_must_haves: list[str]
    missing_evidence: list[str]


class FrozenCell(TypedDict):
    mean_rating: float | None
    sources: int
    witnesses: list[str]
    claim_ids: list[int]  # every claim in the cell, the counted ones first
    scored_ids: list[int]  # the claims that count
    contested: bool
    thin: bool
    only_own_word: bool
    stale: bool
    undated: bool
    empty: bool


class Reason(TypedDict):
    criterion: str
    weight: float
    contribution: float
    cells: dict[str, FrozenCell]  # the leader's and the runner-up's, by framework slug


class Flip(TypedDict):
    criterion: str
    current_weight: float
    flip_weight: int
    new_winner: str | None
    too_close_to_call: bool


class FrozenSource(TypedDict):
    id: int
    title: str
    publisher: str
    url: str
    published: str  # or, for an undated page, its last revision ("revised 21 November 2026")
    version: str
    accessed: str
    extension: str  # the maintained extension the document is about, or ""


class FrozenClaim(TypedDict):
    id: int
    statement: str
    quote: str
    rating: int
    as_of: str | None
    stale: bool
    undated: bool
    superseded: bool
    witness: str
    applies_to: str
    out_of_scope: bool
    source: FrozenSource


class Bars(TypedDict):
    margin: float
    confidence: float


class Snapshot(TypedDict):
    schema: int
    frameworks: dict[str, str]  # slug -> name, the whole catalogue
    criteria: dict[str, CriterionInfo]
    weights: dict[str, float]
    weight_reasons: dict[str, list[WeightReason]]
    must_haves: list[str]
    compared_by: str  # "chosen" by the visitor, or the "featured" frameworks
    ranking: list[Ranked]
    winner: str | None
    leader: str | None
    runner_up: str | None
    margin: float
    confidence: float
    reasons: list[Reason]
    flips: list[Flip]
    also_worth_a_look: list[Ranked]
    claims: dict[str, FrozenClaim]  # by claim id, as a string (JSON keys are)
    bars: Bars


def build(
    matrix: Matrix,
    outcome: scoring.Outcome,
    *,
    weights: dict[str, float],
    must_haves: list[str],
    moves: list[WeightMove],
    others: list[scoring.Ranked],
    chosen: bool,
) -> Snapshot:
    """The snapshot of an outcome on `matrix`; `others` ranks the frameworks not compared, and
    `chosen` says whether the visitor chose the compared frameworks (or they are the featured ones)."""
    pair = [f for f in (outcome.leader, outcome.runner_up) if f]
    cells = {(f, c): matrix.cell(f, c) for f in pair for c in matrix.criteria}
    whys = defaultdict(list)
    for move in moves:
        whys[move.criterion].append(WeightReason(delta=move.delta, why=move.why, must_have=move.must_have))
    return Snapshot(
        schema=SCHEMA_VERSION,
        frameworks=matrix.frameworks,
        criteria={
            slug: CriterionInfo(name=info.name, default_weight=info.default_weight)
            for slug, info in matrix.criteria.items()
        },
        weights=weights,
        weight_reasons=dict(whys),
        must_haves=scoring.active_must_haves(must_haves, weights),
        compared_by="chosen" if chosen else "featured",
        ranking=[_ranked(r, matrix) for r in outcome.ranking],
        winner=outcome.winner,
        leader=outcome.leader,
        runner_up=outcome.runner_up,
        margin=outcome.margin,
        confidence=outcome.confidence,
        reasons=[
            Reason(
                criterion=r.criterion,
                weight=r.weight,
                contribution=r.contribution,
                cells={f: _cell(cells[f, r.criterion]) for f in pair},
            )
            for r in outcome.reasons
        ],
        flips=[
            Flip(
                criterion=f.criterion,
                current_weight=f.current_weight,
                flip_weight=f.flip_weight,
                new_winner=f.new_winner,
                too_close_to_call=f.new_winner is None,
            )
            for f in outcome.flips
        ],
        also_worth_a_look=[_ranked(r, matrix) for r in others],
        claims=_claims((cell_id for cell in cells.values() for cell_id in cell.claim_ids), matrix),
        bars=Bars(margin=scoring.MARGIN_BAR, confidence=scoring.CONFIDENCE_BAR),
    )


def upgrade(snapshot: Mapping[str, Any]) -> Snapshot:
    """`snapshot` in the current shape: as it is when it has it, else an upgraded copy.

    Schema 1 lacks what later verdicts added, each read as what it meant before it existed: a
    comparison of the featured frameworks, flips that name a winner, rankings that record no
    failed must-have or missing evidence, cells whose every claim counted, claims with no scope
    and no witness recorded. Only the parts a snapshot has are upgraded (it may hold only some).
    """
    if snapshot.get("schema") == SCHEMA_VERSION:
        return snapshot  # type: ignore[return-value]
    upgraded = copy.deepcopy(dict(snapshot))
    upgraded["schema"] = SCHEMA_VERSION
    upgraded.setdefault("compared_by", "featured")
    for ranked in upgraded.get("ranking", []) + upgraded.get("also_worth_a_look", []):
        _defaults(ranked, lacks_evidence=False, failed_must_haves=[], missing_evidence=[])
    for flip in upgraded.get("flips", []):
        _defaults(flip, too_close_to_call=False)
    for reason in upgraded.get("reasons", []):
        for cell in reason.get("cells", {}).values():
            _defaults(cell, witnesses=[], thin=False, only_own_word=False, undated=False)
            _defaults(cell, scored_ids=list(cell.get("claim_ids", [])))
    for claim in upgraded.setdefault("claims", {}).values():
        _defaults(claim, undated=False, witness="", applies_to="", out_of_scope=False)
    return upgraded  # type: ignore[return-value]


def _defaults(part: dict, **values) -> None:
    for key, value in values.items():
        part.setdefault(key, value)


def _ranked(ranked: scoring.Ranked, matrix: Matrix) -> Ranked:
    return Ranked(
        framework=ranked.framework,
        score=ranked.score,
        excluded_reason=_excluded_reason(ranked, matrix),
        lacks_evidence=ranked.lacks_evidence,
        failed_must_haves=list(ranked.failed_must_haves),
        missing_evidence=list(ranked.missing_evidence),
    )


def _excluded_reason(ranked: scoring.Ranked, matrix: Matrix) -> str:
    def names(slugs):
        return ", ".join(matrix.criteria[c].name if c in matrix.criteria else c for c in slugs)

    if ranked.lacks_evidence:
        return f"not enough evidence to compare: none on {names(ranked.missing_evidence)}"
    if ranked.failed_must_haves:
        return f"below the bar on a must-have: {names(ranked.failed_must_haves)}"
    return ""


def _cell(cell: Cell) -> FrozenCell:
    return FrozenCell(
        mean_rating=cell.mean_rating,
        sources=cell.sources,
        witnesses=list(cell.witnesses),
        claim_ids=list(cell.claim_ids),
        scored_ids=list(cell.scored_ids),
        contested=cell.contested,
        thin=cell.thin,
        only_own_word=cell.only_own_word,
        stale=cell.stale,
        undated=cell.undated,
        empty=cell.empty,
    )


# The claims behind a pair's cells are the same for every verdict between that pair until the
# evidence moves (its key holds the data version and the day): the latest few sets are kept.
KEPT_CLAIM_SETS = 8
_kept_claims: OrderedDict[tuple[str, frozenset[int]], dict[str, FrozenClaim]] = OrderedDict()


def _claims(ids: Iterable[int], matrix: Matrix) -> dict[str, FrozenClaim]:
    """The claims behind the compared cells, frozen with their sources: kept, or one query."""
    ids = frozenset(ids)
    if not matrix.key:  # a matrix built by hand names no version to keep its claims under
        return _frozen_claims(ids, matrix)
    key = (matrix.key, ids)
    frozen = _kept_claims.get(key)
    if frozen is None:
        frozen = _kept_claims[key] = _frozen_claims(ids, matrix)
        while len(_kept_claims) > KEPT_CLAIM_SETS:
            _kept_claims.popitem(last=False)
    else:
        _kept_claims.move_to_end(key)
    return dict(frozen)  # its own mapping; the claims in it are shared, and never written to


def _frozen_claims(ids: frozenset[int], matrix: Matrix) -> dict[str, FrozenClaim]:
    today = timezone.localdate()
    rows = Claim.objects.filter(id__in=ids).values(
        "id", "statement", "quote", "rating", "as_of", "superseded_by_id", "applies_to",
        "source_id", "source__title", "source__publisher", "source__url", "source__published_on",
        "source__published_precision", "source__published_note", "source__version",
        "source__accessed_on", "source__revised_on", "source__extension",
        framework_slug=F("framework__slug"), speaks_for=F("source__speaks_for__slug"), dated=CLAIM_DATE,
    )  # fmt: skip
    frozen = {}
    for row in rows:
        dated = row["dated"]
        superseded = row["superseded_by_id"] is not None
        framework = row["framework_slug"]
        version = (matrix.versions or {}).get(framework, "")
        frozen[str(row["id"])] = FrozenClaim(
            id=row["id"],
            statement=row["statement"],
            quote=row["quote"],
            rating=row["rating"],
            as_of=dated.isoformat() if dated else None,
            stale=is_stale(dated, superseded, today),
            undated=dated is None,
            superseded=superseded,
            witness=witness(row["speaks_for"], framework).label,
            applies_to=row["applies_to"],
            out_of_scope=not in_scope(row["applies_to"], version),
            source=FrozenSource(
                id=row["source_id"],
                title=row["source__title"],
                publisher=row["source__publisher"],
                url=row["source__url"],
                published=describe_publication(
                    row["source__published_on"],
                    row["source__published_precision"],
                    row["source__published_note"],
                    row["source__revised_on"],
                ),
                extension=row["source__extension"],
                version=row["source__version"],
                accessed=row["source__accessed_on"].isoformat(),
            ),
        )
    return frozen
