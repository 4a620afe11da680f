"""Turn a verdict's frozen snapshot into what its page shows: names, sentences, chart geometry.

The entry points (`verdict_page`, `verdict_weights`) read a snapshot of any schema through
`snapshot.upgrade`; the rest read the current shape.
"""

from dataclasses import dataclass

from django.conf import settings

from frameworks import weighing

from . import scoring
from .snapshot import Snapshot, upgrade

CHART_WIDTH = 700
CHART_LABEL_WIDTH = 260
CHART_ROW = 26

# A verdict page explains the criteria that decided it in full, for and against the leader, and
# lists the rest in one table, so that it stays readable (and small) with a hundred criteria: the
# API document has everything. A criterion that moves the margin by less than this is not a reason.
REASONS_FOR = 4
REASONS_AGAINST = 2
NEGLIGIBLE_POINTS = 0.05
CLAIMS_PER_SIDE = 3
CHART_BARS = 12
# The criteria whose weight would change the verdict soonest; the API lists every one.
FLIPS_SHOWN = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    text_y: float
    favours_leader: bool


def verdict_page(stored: dict) -> dict:
    snapshot = upgrade(stored)
    names = snapshot["frameworks"]
    criteria = snapshot["criteria"]
    leader, runner_up = snapshot["leader"], snapshot["runner_up"]
    scores = {r["framework"]: r["score"] for r in snapshot["ranking"]}
    claims = snapshot["claims"]
    reasons = [_reason(r, criteria, leader, runner_up, claims) for r in snapshot["reasons"]]
    in_full, others = deciding(reasons)
    weights = verdict_weights(snapshot)
    return {
        "leader": _framework(leader, names, scores),
        "runner_up": _framework(runner_up, names, scores),
        "winner": snapshot["winner"],
        "compared_by_visitor": snapshot["compared_by"] == "chosen",
        "weighted_criteria": sum(1 for weight in snapshot["weights"].values() if weight > 0),
        "too_close_to_call": snapshot["winner"] is None,
        "margin": snapshot["margin"],
        "confidence": snapshot["confidence"],
        "bars": snapshot["bars"],
        "lacking_evidence": [
            names.get(r["framework"], r["framework"]) for r in snapshot["ranking"] if r["lacks_evidence"]
        ],
        "excluded": [
            {
                **_framework(r["framework"], names, scores),
                "reason": r["excluded_reason"],
                "must_haves": [_criterion(c, criteria) for c in r["failed_must_haves"]],
            }
            for r in snapshot["ranking"]
            if r["excluded_reason"]
        ],
        "reasons": in_full,
        "other_reasons": others,
        "flips": flip_lines(snapshot)[:FLIPS_SHOWN],
        "decided_by_must_have": any(
            r["framework"] == runner_up and r["failed_must_haves"] for r in snapshot["ranking"]
        ),
        "weights": weights,
        "moved_weights": [
            w for w in weights if w["weight"] != w["default"] or w["must_have"] or w["because"]
        ],
        "also_worth_a_look": others_not_compared(snapshot, scores),
        "chart": contributions_chart(snapshot["reasons"], criteria),
    }


def flip_lines(snapshot: Snapshot) -> list[dict]:
    """One line per criterion: the weights at which the verdict changes, nearest first, and what
    each gives (another winner, or too close to call), as the method decided them."""
    names, criteria = snapshot["frameworks"], snapshot["criteria"]
    lines = {}
    for flip in snapshot["flips"]:
        slug = flip["criterion"]
        line = lines.setdefault(
            slug, {**_criterion(slug, criteria), "current_weight": flip["current_weight"], "steps": []}
        )
        too_close = flip["too_close_to_call"]
        line["steps"].append(
            {
                "weight": flip["flip_weight"],
                "too_close_to_call": too_close,
                "winner": None if too_close else _framework(flip["new_winner"], names, {}),
                "lifts_must_have": flip["flip_weight"] == 0 and slug in snapshot["must_haves"],
            }
        )
    return list(lines.values())


def others_not_compared(snapshot: Snapshot, scores: dict) -> list[dict]:
    """The catalogue's other frameworks, each with its score at these weights and why it was not
    compared: the comparison is of the frameworks the visitor chose, or else of the featured ones."""
    names = snapshot["frameworks"]
    chosen = snapshot["compared_by"] == "chosen"
    return [
        {
            **_framework(r["framework"], names, scores | {r["framework"]: r["score"]}),
            "lacks_evidence": r["lacks_evidence"],
            "missing": r["missing_evidence"],
            "excluded_reason": r["excluded_reason"],
            "not_compared_because": "not chosen for this comparison" if chosen else "not featured",
        }
        for r in snapshot["also_worth_a_look"]
    ]


def deciding(reasons: list[dict]) -> tuple[list[dict], list[dict]]:
    """The largest reasons for the leader and against it, in margin order; and the rest."""
    weighed = [r for r in reasons if r["weight"] > 0 and abs(r["contribution"]) >= NEGLIGIBLE_POINTS]
    chosen = {id(r) for r in [r for r in weighed if r["contribution"] > 0][:REASONS_FOR]}
    chosen |= {
        id(r)
        for r in sorted(weighed, key=lambda r: r["contribution"])[:REASONS_AGAINST]
        if r["contribution"] < 0
    }
    return [r for r in reasons if id(r) in chosen], [r for r in reasons if id(r) not in chosen]


def verdict_weights(stored: dict) -> list[dict]:
    """Every criterion's weight after the answers, by criterion name, with the moves behind it."""
    snapshot = upgrade(stored)
    criteria = snapshot["criteria"]
    return [
        {
            "slug": slug,
            "name": criteria[slug]["name"],
            "weight": weight,
            "default": criteria[slug]["default_weight"],
            "because": snapshot["weight_reasons"].get(slug, []),
            "must_have": slug in snapshot["must_haves"],
        }
        for slug, weight in sorted(snapshot["weights"].items(), key=lambda item: criteria[item[0]]["name"])
    ]


def _criterion(slug: str, criteria: dict) -> dict:
    return {"slug": slug, "name": criteria[slug]["name"] if slug in criteria else slug}


def _framework(slug: str | None, names: dict, scores: dict) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, "name": names.get(slug, slug), "score": scores.get(slug)}


def _reason(reason: dict, criteria: dict, leader: str, runner_up: str | None, claims: dict) -> dict:
    sides = []
    for framework in (leader, runner_up):
        if framework is None:
            continue
        cell = reason["cells"][framework]
        shown = [claims[str(i)] for i in cell["claim_ids"][:CLAIMS_PER_SIDE]]
        sides.append(
            {
                **cell,
                "framework": framework,
                "claims": shown,
                "more_claims": len(cell["claim_ids"]) - len(shown),
            }
        )
    return {
        "criterion": reason["criterion"],
        "name": criteria[reason["criterion"]]["name"],
        "weight": reason["weight"],
        "contribution": reason["contribution"],
        "sides": sides,
        "contested": any(side["contested"] for side in sides),
    }


def contributions_chart(reasons: list[dict], criteria: dict) -> dict:
    """Horizontal bars from a centre line: right for the leader, left for the runner-up."""
    shown = [r for r in reasons if round(r["contribution"], 1) != 0][:CHART_BARS]
    half = (CHART_WIDTH - CHART_LABEL_WIDTH) / 2
    centre = CHART_LABEL_WIDTH + half
    largest = max((abs(r["contribution"]) for r in shown), default=1) or 1
    bars = []
    for row, reason in enumerate(shown):
        value = reason["contribution"]
        width = abs(value) / largest * (half - 40)
        y = row * CHART_ROW + 4
        bars.append(
            Bar(
                label=criteria[reason["criterion"]]["name"],
                value=value,
                x=centre if value > 0 else centre - width,
                y=y,
                width=max(width, 1),
                text_y=y + CHART_ROW / 2 + 1,
                favours_leader=value > 0,
            )
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * CHART_ROW + 8,
        "centre": centre,
        "label_x": CHART_LABEL_WIDTH - 8,
    }


# The settings that stand in for a constant of the method on this site, and the setting's name.
SETTINGS_IN_FORCE = {
    "HALF_LIFE_YEARS": "EVIDENCE_HALF_LIFE_YEARS",
    "RECENCY_FLOOR": "EVIDENCE_RECENCY_FLOOR",
}


def method_constants() -> list[dict]:
    """Every number the method uses, read from its two modules (and the settings that override
    them), so that the methodology page cannot fall behind the code."""
    rows = []
    for module in (weighing, scoring):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool):
                origin = module.__name__
                if name in SETTINGS_IN_FORCE:
                    origin = f"settings.{SETTINGS_IN_FORCE[name]}"
                    value = getattr(settings, SETTINGS_IN_FORCE[name])
                rows.append({"name": name, "value": value, "origin": origin})
        rows += [
            {"name": f"WITNESS_WEIGHTS[{kind.value}]", "value": weight, "origin": module.__name__}
            for kind, weight in getattr(module, "WITNESS_WEIGHTS", {}).items()
        ]
    rows.append({"name": "STALE_AFTER_DAYS", "value": settings.STALE_AFTER_DAYS, "origin": "settings"})
    return rows
