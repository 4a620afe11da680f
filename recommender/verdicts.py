"""From answers to a verdict: read the questionnaire and the evidence, score, freeze a snapshot.

The page, the preview and the API all go through here: `preview` scores a request without storing
it, `compute_and_store` gives the stored verdict (the one already stored for the same request on
the same evidence, or a new one). The snapshot holds everything the verdict page shows, so a
permalink renders without reading the evidence again.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from frameworks.evidence import Matrix, load_matrix

from . import scoring, snapshot
from .models import Verdict
from .questionnaire import Answers, QuestionInfo, WeightMove, chosen_moves, load_questions
from .storage import fingerprint, store, stored_verdict


@dataclass(kw_only=True)
class VerdictRequest:
    """What a visitor asked: answers, optional weight overrides, optional frameworks to compare."""

    answers: Answers = field(default_factory=dict)
    weight_overrides: dict[str, int] = field(default_factory=dict)
    frameworks: list[str] = field(default_factory=list)
    rerun_of: uuid.UUID | None = None  # the verdict this request re-runs on current evidence


def preview(request: VerdictRequest, *, questions: list[QuestionInfo] | None = None) -> Verdict:
    """The verdict the request gets on current evidence, not stored: the live preview, which
    shows no flips, so none are searched for."""
    return _scored(_Prepared.of(request, questions), find_flips=False)


def compute_and_store(request: VerdictRequest, *, questions: list[QuestionInfo] | None = None) -> Verdict:
    """The stored verdict for the request on current evidence.

    A verdict is a pure function of what was asked, the questionnaire's moves and the evidence, so
    the same request on the same evidence gets the verdict already stored, not a copy of it.
    """
    prepared = _Prepared.of(request, questions)
    stored = stored_verdict(prepared.fingerprint)
    if stored is not None:
        return stored
    return store(_scored(prepared))


def decide(
    matrix: Matrix,
    compared: list[str],
    moves: list[WeightMove],
    overrides: Mapping[str, int],
    *,
    find_flips: bool = True,
) -> tuple[dict[str, float], list[str], scoring.Outcome]:
    """The weights the moves give, the must-haves they set, and the method's outcome on them."""
    defaults = {slug: info.default_weight for slug, info in matrix.criteria.items()}
    weights = scoring.combine_weights(defaults, [(m.criterion, m.delta) for m in moves], overrides)
    must_haves = sorted({m.criterion for m in moves if m.must_have})
    outcome = scoring.decide(
        matrix.scores(compared),
        weights,
        must_haves,
        matrix.ranges(compared),
        matrix.unknown(compared),
        find_flips=find_flips,
    )
    return weights, must_haves, outcome


@dataclass(frozen=True)
class _Prepared:
    """A request with what scoring it needs: the evidence, the compared frameworks, the moves."""

    request: VerdictRequest
    matrix: Matrix
    compared: list[str]
    moves: list[WeightMove]
    fingerprint: str

    @classmethod
    def of(cls, request: VerdictRequest, questions: list[QuestionInfo] | None) -> "_Prepared":
        questions = questions if questions is not None else load_questions()
        matrix = load_matrix()
        compared = request.frameworks or list(matrix.featured)
        moves = chosen_moves(request.answers, questions)
        key = fingerprint(
            answers=request.answers,
            weight_overrides=request.weight_overrides,
            compared=compared,
            moves=moves,
            evidence=matrix.key,
            rerun_of=request.rerun_of,
        )
        return cls(request=request, matrix=matrix, compared=compared, moves=moves, fingerprint=key)


def _scored(prepared: _Prepared, *, find_flips: bool = True) -> Verdict:
    request, matrix, compared = prepared.request, prepared.matrix, prepared.compared
    weights, must_haves, outcome = decide(
        matrix, compared, prepared.moves, request.weight_overrides, find_flips=find_flips
    )
    others = [f for f in matrix.frameworks if f not in compared]
    return Verdict(
        answers=request.answers,
        weight_overrides=request.weight_overrides,
        frameworks=compared,
        dataset_version=matrix.version,
        fingerprint=prepared.fingerprint,
        rerun_of_id=request.rerun_of,
        snapshot=snapshot.build(
            matrix,
            outcome,
            weights=weights,
            must_haves=must_haves,
            moves=prepared.moves,
            others=scoring.rank(matrix.scores(others), weights, unknown=matrix.unknown(others)),
            chosen=bool(request.frameworks),
        ),
    )
