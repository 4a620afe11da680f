"""How claims become a cell: sources not sentences, witnesses weighed, age decays and never silences."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frameworks import weighing
from frameworks.weighing import ClaimFact, Recency, Witness, summarise_cell

TODAY = datetime.date(2026, 12, 1)
STALE_BEFORE = TODAY - datetime.timedelta(days=730)

ratings = st.integers(weighing.MIN_RATING, weighing.MAX_RATING)
dates = st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1), TODAY))
witnesses = st.sampled_from(list(Witness))


def fact(id_, source, rating, dated=TODAY, kind=Witness.INDEPENDENT, **extra) -> ClaimFact:
    return ClaimFact(id_, "flask", "orm", source, rating, dated, kind, **extra)


def summarise(*claims) -> weighing.Cell:
    return summarise_cell("flask", "orm", claims, TODAY, STALE_BEFORE)


@given(ratings, dates, witnesses, st.integers(2, 6))
def test_a_source_saying_the_same_thing_again_is_still_one_voice(rating, dated, kind, times):
    other = fact(99, 2, 3)
    once = summarise(fact(1, 1, rating, dated, kind), other)
    repeated = summarise(*[fact(i, 1, rating, dated, kind) for i in range(1, times + 1)], other)
    assert repeated.mean_rating == pytest.approx(once.mean_rating)
    assert repeated.sources == once.sources == 2


def test_three_sentences_of_one_page_do_not_outvote_two_sources():
    one_page = [fact(i, 1, 5) for i in range(1, 4)]
    cell = summarise(*one_page, fact(10, 2, 1), fact(11, 3, 1))
    assert cell.mean_rating < weighing.NEUTRAL_RATING


@given(st.integers(0, 100 * 365))
def test_age_weighs_but_never_silences(age_days):
    recency = Recency()
    weight = recency.weight(TODAY - datetime.timedelta(days=age_days), TODAY)
    assert recency.floor <= weight <= 1
    older = recency.weight(TODAY - datetime.timedelta(days=age_days + 365), TODAY)
    assert older <= weight


def test_an_old_claim_alone_still_moves_its_cell():
    cell = summarise(fact(1, 1, 5, dated=datetime.date(1999, 1, 1)))
    assert cell.mean_rating > weighing.NEUTRAL_RATING
    assert cell.stale and cell.thin


def test_the_weight_halves_each_half_life():
    recency = Recency(half_life_years=2, floor=0.01)
    two_years_ago = TODAY - datetime.timedelta(days=round(2 * 365.25))
    assert recency.weight(two_years_ago, TODAY) == pytest.approx(0.5, abs=0.001)


def test_an_undated_claim_weighs_a_middle_amount_and_says_so():
    recency = Recency()
    assert recency.floor < recency.undated < 1
    cell = summarise(fact(1, 1, 5, dated=None))
    assert cell.undated and not cell.stale


def test_a_current_independent_source_outweighs_an_undated_one():
    cell = summarise(fact(1, 1, 5, dated=TODAY), fact(2, 2, 1, dated=None))
    assert cell.mean_rating > weighing.NEUTRAL_RATING


@given(ratings.filter(lambda r: r != 3), dates)
def test_a_rivals_page_alone_moves_a_cell_less_than_an_independent_source(rating, dated):
    rival = summarise(fact(1, 1, rating, dated, Witness.RIVAL))
    independent = summarise(fact(1, 1, rating, dated, Witness.INDEPENDENT))
    assert abs(rival.mean_rating - 3) < abs(independent.mean_rating - 3) < abs(rating - 3)
    assert rival.thin and rival.witnesses == (Witness.RIVAL,)


def test_a_rival_cannot_outvote_the_framework_and_an_article():
    cell = summarise(
        fact(1, 1, 1, kind=Witness.RIVAL), fact(2, 2, 4, kind=Witness.OWN), fact(3, 3, 4, dated=None)
    )
    assert cell.mean_rating > weighing.NEUTRAL_RATING and cell.contested


def test_superseded_and_out_of_scope_claims_do_not_count_but_stay_listed():
    cell = summarise(fact(1, 1, 5, superseded=True), fact(2, 2, 5, in_scope=False), fact(3, 3, 2))
    assert cell.scored_ids == (3,) and set(cell.claim_ids) == {1, 2, 3}
    assert cell.sources == 1 and cell.mean_rating < weighing.NEUTRAL_RATING


def test_an_empty_cell_is_neutral_says_so_and_may_take_any_value():
    cell = summarise(fact(1, 1, 5, in_scope=False))
    assert cell.empty and cell.mean_rating is None and cell.score == 0.5
    assert (cell.low, cell.high) == (0.0, 1.0)
    assert cell.claim_ids == (1,)


def test_disagreeing_sources_make_a_contested_cell_with_a_wide_range():
    agreed = summarise(fact(1, 1, 4), fact(2, 2, 4))
    disputed = summarise(fact(1, 1, 5), fact(2, 2, 2))
    assert disputed.contested and not agreed.contested
    assert disputed.high - disputed.low > agreed.high - agreed.low


@given(st.lists(st.tuples(st.integers(1, 4), ratings, dates, witnesses), min_size=1, max_size=8))
def test_a_cell_stays_within_the_rating_range_and_its_own_range(rows):
    cell = summarise(*[fact(i, source, r, d, k) for i, (source, r, d, k) in enumerate(rows)])
    assert 1 <= cell.mean_rating <= 5
    assert 0 <= cell.low <= cell.score <= cell.high <= 1


@pytest.mark.parametrize(
    ("half_life", "floor", "message"),
    [
        (0, 0.2, "half-life"),
        (-1, 0.2, "half-life"),
        (float("nan"), 0.2, "half-life"),
        (3, 0, "floor"),
        (3, 1.5, "floor"),
    ],
)
def test_recency_settings_out_of_range_are_refused_naming_them(half_life, floor, message):
    with pytest.raises(ValueError, match=message):
        Recency(half_life, floor)


def test_who_speaks_is_read_from_whose_project_publishes_the_source():
    assert weighing.witness(None, "flask") is Witness.INDEPENDENT
    assert weighing.witness("flask", "flask") is Witness.OWN
    assert weighing.witness("fastapi", "flask") is Witness.RIVAL
