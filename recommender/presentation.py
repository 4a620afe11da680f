"""Turn a verdict's frozen snapshot into what its page shows: names, sentences, chart geometry."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    text_y: float
    favours_leader: bool


def verdict_page(snapshot: dict) -> dict:
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
        "too_close_to_call": snapshot["winner"] is None,
        "margin": snapshot["margin"],
        "confidence": snapshot["confidence"],
        "bars": snapshot["bars"],
        "lacking_evidence": [
            names.get(r["framework"], r["framework"]) for r in snapshot["ranking"] if r.get("lacks_evidence")
        ],
        "excluded": [
            {"name": names.get(r["framework"], r["framework"]), "reason": r["excluded_reason"]}
            for r in snapshot["ranking"]
            if r["excluded_reason"]
        ],
        "reasons": in_full,
        "other_reasons": others,
        "flips": [
            {
                "criterion": criteria[f["criterion"]]["name"],
                "current_weight": f["current_weight"],
                "flip_weight": f["flip_weight"],
                "new_winner": names.get(f["new_winner"], f["new_winner"]),
            }
            for f in snapshot["flips"]
        ],
        "weights": weights,
        "moved_weights": [
            w for w in weights if w["weight"] != w["default"] or w["must_have"] or w["because"]
        ],
        "also_worth_a_look": [
            {
                **_framework(r["framework"], names, scores | {r["framework"]: r["score"]}),
                "lacks_evidence": r.get("lacks_evidence", False),
                "excluded_reason": r["excluded_reason"],
            }
            for r in snapshot["also_worth_a_look"]
        ],
        "chart": contributions_chart(snapshot["reasons"], criteria),
    }


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


def verdict_weights(snapshot: dict) -> list[dict]:
    """Every criterion's weight after the answers, by criterion name, with the moves behind it."""
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
