"""The method's rules, on plain data: unit tests and hypothesis properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender import scoring

from . import reference_scoring
from .reference_scoring import confidence_one_by_one

# Scores are mean ratings mapped onto 0..1 in eighths, and weights whole numbers, as in the product;
# both are exact in binary floating point, so equalities below are exact.
score_values = st.integers(0, 8).map(lambda n: n / 8)
weight_values = st.integers(scoring.MIN_WEIGHT, scoring.MAX_WEIGHT)
criteria_names = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=8, unique=True)


@st.composite
def comparisons(draw, min_frameworks=2, max_frameworks=5):
    criteria = draw(criteria_names)
    frameworks = draw(
        st.lists(
            st.sampled_from(["f1", "f2", "f3", "f4", "f5"]),
            min_size=min_frameworks,
            max_size=max_frameworks,
            unique=True,
        )
    )
    scores = {f: {c: draw(score_values) for c in criteria} for f in frameworks}
    weights = {c: draw(weight_values) for c in criteria}
    return scores, weights


@st.composite
def comparisons_with_ranges(draw):
    scores, weights = draw(comparisons())
    width = st.sampled_from([0.0, 0.0625, 0.125, 0.25])
    ranges = {
        f: {c: (max(0.0, v - w), min(1.0, v + w)) for c, v in cells.items() if (w := draw(width))}
        for f, cells in scores.items()
    }
    return scores, weights, ranges


def order(scores, weights, must_haves=()):
    return [r.framework for r in scoring.rank(scores, weights, must_haves)]


@given(comparisons())
def test_scores_stay_within_0_and_100(case):
    scores, weights = case
    for ranked in scoring.rank(scores, weights):
        assert 0 <= ranked.score <= 100


@given(comparisons(min_frameworks=3), st.data())
def test_adding_or_removing_a_framework_never_changes_the_order_of_the_others(case, data):
    scores, weights = case
    removed = data.draw(st.sampled_from(sorted(scores)))
    fewer = {f: cells for f, cells in scores.items() if f != removed}
    assert order(fewer, weights) == [f for f in order(scores, weights) if f != removed]


@given(comparisons(min_frameworks=2, max_frameworks=2), st.data())
def test_raising_a_criterion_a_leads_on_never_shrinks_its_weighted_lead_nor_loses_it(case, data):
    scores, weights = case
    a, b = sorted(scores)
    favouring_a = [c for c in weights if scores[a][c] > scores[b][c]]
    if not favouring_a:
        return
    criterion = data.draw(st.sampled_from(favouring_a))
    raised = {**weights, criterion: data.draw(st.integers(weights[criterion], scoring.MAX_WEIGHT))}

    def weighted_lead(w):
        return sum(w[c] * (scores[a][c] - scores[b][c]) for c in w)

    assert weighted_lead(raised) >= weighted_lead(weights)
    if scoring.score(scores[a], weights) > scoring.score(scores[b], weights):
        assert scoring.score(scores[a], raised) > scoring.score(scores[b], raised)


def test_the_margin_in_points_can_shrink_when_a_weaker_advantage_gains_weight():
    # Why the property above is stated on the weighted lead: the score divides by the total weight,
    # so weighting a small advantage more dilutes a large one. A stays ahead all the same.
    scores = {"a": {"x": 1.0, "y": 0.5}, "b": {"x": 0.0, "y": 0.375}}
    before = scoring.score(scores["a"], {"x": 10, "y": 1}) - scoring.score(scores["b"], {"x": 10, "y": 1})
    after = scoring.score(scores["a"], {"x": 10, "y": 10}) - scoring.score(scores["b"], {"x": 10, "y": 10})
    assert 0 < after < before


@settings(max_examples=80)
@given(comparisons_with_ranges(), st.data())
def test_each_flip_says_what_deciding_again_at_its_weight_gives(case, data):
    scores, weights, ranges = case
    must_haves = data.draw(st.lists(st.sampled_from(sorted(weights)), max_size=1))
    outcome = scoring.decide(scores, weights, must_haves, ranges)
    for flip in outcome.flips:
        again = scoring.decide(scores, {**weights, flip.criterion: flip.flip_weight}, must_haves, ranges)
        assert again.winner == flip.new_winner
        assert flip.new_winner != outcome.winner


@settings(max_examples=80)
@given(comparisons_with_ranges())
def test_no_nearer_weight_changes_what_the_margin_allows(case):
    scores, weights, ranges = case
    outcome = scoring.decide(scores, weights, ranges=ranges)
    if outcome.runner_up is None:
        return
    problem = scoring.Problem(scores, ranges=ranges)
    first = {}
    for flip in outcome.flips:
        first.setdefault((flip.criterion, flip.flip_weight > flip.current_weight), flip.flip_weight)
    for criterion, current in weights.items():
        for up in (True, False):
            end = first.get((criterion, up), scoring.MAX_WEIGHT + 1 if up else scoring.MIN_WEIGHT - 1)
            nearer = range(current + 1, end) if up else range(current - 1, end, -1)
            for weight in nearer:
                at = problem.outcome({**weights, criterion: weight}, judged=False)
                # Where the margin would allow another call, deciding again keeps this one.
                if at.winner != outcome.winner:
                    assert problem.outcome({**weights, criterion: weight}).winner == outcome.winner


def test_a_flip_names_too_close_to_call_before_the_other_wins():
    scores = {"flask": {"a": 0.25, "b": 1.0}, "django": {"a": 1.0, "b": 0.25}}
    outcome = scoring.decide(scores, {"a": 8, "b": 2})
    assert outcome.winner == "django"
    steps = [(f.flip_weight, f.new_winner) for f in outcome.flips if f.criterion == "b"]
    # At 8 the two tie (62.5 each); at 9 Flask leads by 4.4 points, over the margin bar.
    assert steps == [(8, None), (9, "flask")]
    for weight, winner in steps:
        assert scoring.decide(scores, {"a": 8, "b": weight}).winner == winner


@settings(max_examples=30)
@given(comparisons())
def test_confidence_is_a_reproducible_share(case):
    scores, weights = case
    first = scoring.confidence(scores, weights)
    assert 0 <= first <= 1
    assert scoring.confidence(scores, weights) == first


def test_combined_weights_add_deltas_then_clamp_and_overrides_win():
    defaults = {"orm": 5, "admin": 4, "async": 3}
    weights = scoring.combine_weights(defaults, [("orm", 4), ("orm", 4), ("admin", -9)], {"async": 7})
    assert weights == {"orm": 10, "admin": 0, "async": 7}


def test_unknown_criteria_in_deltas_and_overrides_are_ignored():
    assert scoring.combine_weights({"orm": 5}, [("nope", 3)], {"other": 1}) == {"orm": 5}


def test_a_must_have_excludes_a_framework_below_the_bar_and_says_why():
    scores = {"flask": {"async": 0.25, "orm": 1.0}, "django": {"async": 0.75, "orm": 0.0}}
    ranking = scoring.rank(scores, {"async": 1, "orm": 10}, must_haves=["async"])
    assert [r.framework for r in ranking] == ["django", "flask"]
    assert ranking[1].failed_must_haves == ("async",) and not ranking[0].excluded

    outcome = scoring.decide(scores, {"async": 1, "orm": 10}, ["async"])
    assert outcome.winner == "django" and outcome.confidence == 1.0
    # Only lifting the must-have (its weight at 0) lets Flask's lead elsewhere count.
    assert outcome.flips == [scoring.Flip("async", 1, 0, "flask")]


def test_a_narrow_margin_is_too_close_to_call():
    scores = {"flask": {"a": 0.5, "b": 0.5}, "django": {"a": 0.5, "b": 0.53}}
    outcome = scoring.decide(scores, {"a": 5, "b": 5})
    assert outcome.margin < scoring.MARGIN_BAR
    assert outcome.too_close_to_call and outcome.winner is None and outcome.leader == "django"


def test_a_clear_margin_names_the_winner_with_reasons_that_add_up_to_it():
    scores = {"flask": {"a": 0.0, "b": 1.0}, "django": {"a": 1.0, "b": 0.5}}
    outcome = scoring.decide(scores, {"a": 8, "b": 2})
    assert outcome.winner == "django"
    assert [r.criterion for r in outcome.reasons] == ["a", "b"]
    assert sum(r.contribution for r in outcome.reasons) == pytest.approx(outcome.margin)


def test_no_weight_at_all_scores_everyone_neutral():
    scores = {"flask": {"a": 0.0}, "django": {"a": 1.0}}
    outcome = scoring.decide(scores, {"a": 0})
    assert outcome.too_close_to_call and outcome.reasons == []
    assert {r.score for r in outcome.ranking} == {50.0}


def test_a_must_have_at_weight_0_is_lifted():
    scores = {"flask": {"async": 0.25, "orm": 1.0}, "django": {"async": 0.75, "orm": 0.0}}
    ranking = scoring.rank(scores, {"async": 0, "orm": 10}, must_haves=["async"])
    assert [r.framework for r in ranking] == ["flask", "django"] and not ranking[1].excluded
    assert scoring.decide(scores, {"async": 0, "orm": 10}, ["async"]).leader == "flask"


def test_a_framework_without_evidence_on_most_of_the_weight_is_not_ranked_and_names_what_is_missing():
    scores = {"flask": {"a": 0.5, "b": 0.5, "c": 1.0}, "django": {"a": 0.75, "b": 0.75, "c": 0.5}}
    unknown = {"flask": {"a", "b"}, "django": set()}
    ranking = scoring.rank(scores, {"a": 4, "b": 4, "c": 2}, unknown=unknown)
    assert ranking[-1].framework == "flask" and ranking[-1].missing_evidence == ("a", "b")
    outcome = scoring.decide(scores, {"a": 4, "b": 4, "c": 2}, unknown=unknown)
    assert outcome.winner is None and outcome.lacking_evidence == ["flask"]
    # Evidence on most of what the visitor weighs is enough to be ranked.
    assert not scoring.rank(scores, {"a": 1, "b": 1, "c": 8}, unknown=unknown)[0].excluded


@given(comparisons(min_frameworks=3), st.data())
def test_missing_evidence_of_one_framework_never_reorders_the_others(case, data):
    scores, weights = case
    lacking = data.draw(st.sampled_from(sorted(scores)))
    unknown = {lacking: set(weights)}
    ranked = [r.framework for r in scoring.rank(scores, weights, unknown=unknown) if r.framework != lacking]
    assert ranked == [f for f in order(scores, weights) if f != lacking]


def test_doubt_about_the_evidence_lowers_the_confidence():
    scores = {"flask": {"a": 0.5, "b": 0.5}, "django": {"a": 0.75, "b": 0.5}}
    weights = {"a": 5, "b": 5}
    certain = scoring.confidence(scores, weights)
    known = {"flask": {"a": (0.5, 0.5), "b": (0.5, 0.5)}, "django": {"a": (0.7, 0.8), "b": (0.5, 0.5)}}
    doubtful = {"flask": {"a": (0.0, 1.0), "b": (0.0, 1.0)}, "django": {"a": (0.5, 1.0), "b": (0.0, 1.0)}}
    assert certain == scoring.confidence(scores, weights, ranges=known) == 1.0
    assert scoring.confidence(scores, weights, ranges=doubtful) < 0.8


@settings(max_examples=30)
@given(comparisons(min_frameworks=2, max_frameworks=3), st.data())
def test_confidence_with_evidence_ranges_is_a_reproducible_share(case, data):
    scores, weights = case
    widths = st.floats(0, 0.5)
    ranges = {
        f: {c: (max(0.0, v - data.draw(widths)), min(1.0, v + data.draw(widths))) for c, v in cells.items()}
        for f, cells in scores.items()
    }
    first = scoring.confidence(scores, weights, ranges=ranges)
    assert 0 <= first <= 1 and scoring.confidence(scores, weights, ranges=ranges) == first


@settings(max_examples=60)
@given(comparisons_with_ranges(), st.integers(0, 2**32))
def test_confidence_on_arrays_equals_drawing_one_by_one(case, seed):
    scores, weights, ranges = case
    assert scoring.confidence(scores, weights, seed=seed, ranges=ranges) == confidence_one_by_one(
        scores, weights, seed=seed, ranges=ranges
    )


@st.composite
def problems(draw):
    """Random matrices of 2 to 8 frameworks, with ties (identical rows), cells without a score,
    ranges, criteria without evidence, must-haves and weights of 0, whole or not."""
    criteria = draw(criteria_names)
    names = [f"f{n}" for n in range(draw(st.integers(2, 8)))]
    cell = st.one_of(score_values, st.floats(0, 1))
    scores = {}
    for framework in names:
        if scores and draw(st.booleans()):
            scores[framework] = dict(scores[draw(st.sampled_from(sorted(scores)))])  # a tie
        else:
            scores[framework] = {c: draw(cell) for c in criteria if draw(st.integers(0, 9))}
    weight = st.one_of(weight_values, weight_values, st.floats(scoring.MIN_WEIGHT, scoring.MAX_WEIGHT))
    weights = {c: draw(weight) for c in draw(st.permutations(criteria))}
    width = st.sampled_from([0.0, 0.0625, 0.25, 0.5])
    ranges = {
        f: {c: (max(0.0, v - w), min(1.0, v + w)) for c, v in cells.items() if (w := draw(width))}
        for f, cells in scores.items()
    }
    gaps = st.one_of(st.just(set()), st.sets(st.sampled_from(criteria)))
    unknown = {f: draw(gaps) for f in names}
    must_haves = draw(st.lists(st.sampled_from(criteria), max_size=2, unique=True))
    return scores, weights, must_haves, draw(st.sampled_from([ranges, None])), unknown


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_method_on_arrays_decides_exactly_as_one_framework_at_a_time(case):
    scores, weights, must_haves, ranges, unknown = case
    outcome = scoring.decide(scores, weights, must_haves, ranges, unknown)
    # Everything, compared exactly: order, scores, winner, margin, confidence, reasons and flips.
    assert outcome == reference_scoring.decide(scores, weights, must_haves, ranges, unknown)
    assert scoring.rank(scores, weights, must_haves, unknown) == reference_scoring.rank(
        scores, weights, must_haves, unknown
    )
    assert scoring.draw_bounds(scores, weights, must_haves, ranges) == reference_scoring.draw_bounds(
        scores, weights, must_haves, ranges
    )
    assert scoring.confidence(scores, weights, must_haves, ranges=ranges) == confidence_one_by_one(
        scores, weights, must_haves, ranges=ranges
    )
