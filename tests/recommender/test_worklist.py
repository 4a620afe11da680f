"""The evidence worklist: which cells' evidence would change the most sampled verdicts, and the
admin page and command that show it."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from frameworks.models import Claim
from frameworks.staleness import stale_cutoff
from infrastructure.versioned_cache import forget_in_process
from recommender import worklist as worklist_module
from recommender.worklist import build_worklist, load_worklist
from tests.factories import (
    ChoiceFactory,
    ChoiceWeightFactory,
    ClaimFactory,
    CriterionFactory,
    FrameworkFactory,
    QuestionFactory,
    SourceFactory,
    UserFactory,
)
from tests.frameworks.test_admin import run_action

WORKLIST = "/admin/frameworks/worklist/"


def claims(framework, criterion, *ratings_by_source, **fields):
    """One independent source per tuple of ratings, each rating a published claim citing it."""
    for ratings in ratings_by_source:
        source = SourceFactory()
        for rating in ratings:
            ClaimFactory(framework=framework, criterion=criterion, source=source, rating=rating, **fields)


@pytest.fixture
def cells(db):
    """Flask leads Django on `base`, weighted 10; the other criteria weigh 5, and moving one of
    Django's cells there a rating point up closes the gap to too close to call. Tornado is not
    featured, so no questionnaire verdict depends on it. One question nudges `base` up or down."""
    flask = FrameworkFactory(slug="flask", name="Flask", is_featured=True)
    django = FrameworkFactory(slug="django", name="Django", is_featured=True)
    tornado = FrameworkFactory(slug="tornado", name="Tornado")
    base = CriterionFactory(slug="base", name="Base", default_weight=10)
    named = {
        slug: CriterionFactory(slug=slug, name=slug.capitalize())
        for slug in ["agreed", "contested", "thick", "settled"]
    }
    claims(flask, base, (4,))
    claims(django, base, (3,))
    for criterion in named.values():
        claims(flask, criterion, (3,))
        claims(tornado, criterion, (3,))
    claims(django, named["agreed"], (3,))  # one source, one claim: moves a point either way
    claims(django, named["contested"], (2, 4))  # one source, its claims disagree: to 2 and to 4
    claims(django, named["thick"], (2,), (4,))  # the same ratings from two independent sources
    claims(django, named["settled"], (3,), (3,))  # two sources agree on the value it has: no move
    question = QuestionFactory(slug="experience")
    for slug, delta in (("beginner", 1), ("experienced", -1)):
        ChoiceWeightFactory(choice=ChoiceFactory(question=question, slug=slug), criterion=base, delta=delta)
    return {"flask": flask, "django": django, "tornado": tornado, "base": base, **named}


def rows_by_cell(worklist):
    return {(row.framework, row.criterion): row for row in worklist.rows}


def position(worklist, framework, criterion) -> int:
    return [(r.framework, r.criterion) for r in worklist.rows].index((framework, criterion))


# Ranking


def test_a_cell_whose_move_flips_verdicts_ranks_above_one_that_cannot(cells):
    worklist = build_worklist(timezone.localdate())
    rows = rows_by_cell(worklist)
    assert rows["django", "agreed"].flip_rate == 1.0  # a point up and Flask's lead is gone
    settled = rows["django", "settled"]
    assert settled.moved_to == ()  # its two sources agree on where it is: nothing to move to
    assert settled.flip_rate == 0 and settled.score == 0
    assert position(worklist, "django", "agreed") < position(worklist, "django", "settled")
    # Zero scores come after every cell that changes some verdict, however thin (Tornado's).
    first_zero = min(n for n, row in enumerate(worklist.rows) if row.score == 0)
    assert all(row.score > 0 for row in worklist.rows[:first_zero])
    assert all(row.score == 0 for row in worklist.rows[first_zero:])


def test_no_questionnaire_verdict_depends_on_a_framework_it_does_not_compare(cells):
    rows = rows_by_cell(build_worklist(timezone.localdate()))
    tornado = [row for (framework, _), row in rows.items() if framework == "tornado"]
    assert tornado and all(not row.compared and row.flips == 0 and row.score == 0 for row in tornado)
    assert rows["tornado", "base"].need.thin == 1.0  # no claims at all: as thin as can be


def test_a_contested_cell_outranks_an_otherwise_equal_agreed_one(cells):
    worklist = build_worklist(timezone.localdate())
    rows = rows_by_cell(worklist)
    contested, agreed = rows["django", "contested"], rows["django", "agreed"]
    # One source each, the same value and the same moves (to 2 and to 4): only the spread differs.
    assert contested.moved_to == pytest.approx(agreed.moved_to)
    assert contested.flip_rate == agreed.flip_rate
    assert (contested.need.thin, contested.need.stale) == (agreed.need.thin, agreed.need.stale)
    assert contested.need.contested > agreed.need.contested == 0
    assert contested.score > agreed.score
    assert position(worklist, "django", "contested") < position(worklist, "django", "agreed")


def test_a_thin_cell_outranks_an_otherwise_equal_thick_one(cells):
    worklist = build_worklist(timezone.localdate())
    rows = rows_by_cell(worklist)
    thin, thick = rows["django", "contested"], rows["django", "thick"]
    # Ratings 2 and 4 either way: from one source, or from two independent ones.
    assert thin.moved_to == thick.moved_to == (2.0, 4.0)
    assert thin.flip_rate == thick.flip_rate
    assert thin.need.thin > thick.need.thin
    assert thin.score > thick.score
    assert position(worklist, "django", "contested") < position(worklist, "django", "thick")


def test_the_score_is_the_flip_rate_times_one_plus_the_need(cells):
    for row in build_worklist(timezone.localdate()).rows:
        need = row.need
        assert row.score == pytest.approx(row.flip_rate * (1 + need.thin + need.stale + need.contested))


def test_the_ranking_is_the_same_for_the_same_data(small_dataset):
    first = build_worklist(timezone.localdate())
    cache.clear()
    forget_in_process()
    again = build_worklist(timezone.localdate())
    assert first.rows == again.rows
    rates = {row.flip_rate for row in first.rows if row.compared}
    assert len(rates) > 2  # random visitors: some cells change some verdicts, not all or none
    assert first.visitors == worklist_module.SAMPLE_SIZE


# What a cell may move to, and how much it needs work


def test_moves_and_needs_in_words(db):
    framework = FrameworkFactory(slug="flask", name="Flask", is_featured=True, current_version="3.1")
    FrameworkFactory(slug="django", name="Django", is_featured=True)
    criterion = CriterionFactory(slug="orm", name="Database layer")
    ClaimFactory(framework=framework, criterion=criterion, rating=3, applies_to="<2.0")  # history
    today = timezone.localdate()
    old = stale_cutoff(today) - datetime.timedelta(days=1)
    own = SourceFactory(speaks_for=framework)
    ClaimFactory(framework=framework, criterion=criterion, source=own, rating=5, as_of=old)
    ClaimFactory(framework=framework, criterion=criterion, source=own, rating=4, as_of=None)
    ClaimFactory(framework=framework, criterion=criterion, rating=1)
    row = rows_by_cell(build_worklist(today))["flask", "orm"]
    assert row.moved_to == (1.0, 5.0)  # the lowest and the highest its claims give
    assert row.need.thin_words == (
        "3 claims from 2 sources, 1 independent; 1 more superseded or out of version scope"
    )
    assert row.claims == 4
    assert row.need.thin == pytest.approx(1 / (1 + 2 + 1))
    assert row.need.stale_words == (
        f"1 of 3 dated before {stale_cutoff(today).isoformat()} (the staleness limit); 1 of 3 undated"
    )
    assert row.need.stale == pytest.approx((1 + 0.5) / 3)
    assert row.need.contested_words == "ratings from 1 to 5; its sources disagree"
    assert row.need.contested == 1.0
    empty = rows_by_cell(build_worklist(today))["django", "orm"]
    assert empty.moved_to == (2.0, 4.0)  # no claim: a point either way of neutral
    assert (empty.need.thin, empty.need.thin_words) == (1.0, "no claims")


def test_a_single_claim_moves_a_step_within_the_rubric(db):
    framework = FrameworkFactory(slug="flask", is_featured=True)
    criterion = CriterionFactory(slug="orm")
    ClaimFactory(framework=framework, criterion=criterion, rating=5)
    cell = build_worklist(timezone.localdate())
    row = rows_by_cell(cell)["flask", "orm"]
    low, high = row.moved_to
    assert high == 5  # not beyond the rubric's top
    assert 3.5 < low < 4  # the cell's value (under 5: a single witness moves it part way) less a point


# The admin page


@pytest.fixture
def reviewer_page(cells, reviewer_client):
    return reviewer_client.get(WORKLIST)


def test_the_page_ranks_the_cells_in_an_accessible_table(reviewer_page):
    assert reviewer_page.status_code == 200
    html = reviewer_page.content.decode()
    assert "<caption>Framework and criterion pairs, where evidence would matter most first</caption>" in html
    assert '<th scope="col">Verdicts changed</th>' in html
    assert '<th scope="row">Django on Contested</th>' in html
    assert html.index("Django on Contested") < html.index("Django on Settled")
    assert "<script" not in html.split('id="content-main"')[1]  # works without JavaScript


def test_each_row_links_to_its_claims_and_to_a_new_claim_on_it(cells, reviewer_client, reviewer_page):
    django, contested = cells["django"], cells["contested"]
    row = next(
        r
        for r in reviewer_page.context["rows"]
        if r.row.criterion == "contested" and r.row.framework == "django"
    )
    listed = reviewer_client.get(row.claims_url)
    assert listed.status_code == 200
    shown = set(listed.context["cl"].result_list)
    assert shown == set(Claim.objects.filter(framework=django, criterion=contested)) and len(shown) == 2
    form = reviewer_client.get(row.add_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'<option value="{django.pk}" selected>{django}</option>' in html
    assert f'<option value="{contested.pk}" selected>{contested}</option>' in html


def test_the_admin_index_links_the_worklist_for_those_who_may_view_claims(reviewer_client, client, db):
    assert reverse("evidence-worklist") in reviewer_client.get(reverse("admin:index")).content.decode()
    client.force_login(UserFactory(username="nobody"))  # staff, no permissions
    assert reverse("evidence-worklist") not in client.get(reverse("admin:index")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")


def test_staff_who_may_not_view_claims_are_refused(client, cells):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(WORKLIST).status_code == 403


def test_editors_may_see_it(editor_client, cells):
    assert editor_client.get(WORKLIST).status_code == 200


def test_the_page_with_no_claims_says_so(reviewer_client, db):
    FrameworkFactory(is_featured=True)
    CriterionFactory()
    response = reviewer_client.get(WORKLIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No published claims yet" in html
    assert "<table" not in html.split('id="content-main"')[1]
    assert reverse("admin:frameworks_claim_add") in html


# Queries: session, user, the user's and their groups' permissions; then the version rows. Cold,
# the worklist reads the matrix (2), the questionnaire (3), the cells' claims and the ids (1 each).
SIGNED_IN = 4
COLD, WARM = SIGNED_IN + 1 + 2 + 3 + 2, SIGNED_IN + 1


def test_the_page_keeps_to_its_query_budget_cold_and_warm(cells, reviewer_client, django_assert_num_queries):
    with django_assert_num_queries(COLD):
        assert reviewer_client.get(WORKLIST).status_code == 200
    with django_assert_num_queries(WARM):
        assert reviewer_client.get(WORKLIST).status_code == 200


def test_the_budget_does_not_grow_with_the_data(cells, reviewer_client, django_assert_num_queries):
    for n in range(6):
        framework = FrameworkFactory(is_featured=n == 0)
        criterion = CriterionFactory()
        claims(framework, criterion, (n % 5 + 1,), (3, 4))
    with django_assert_num_queries(COLD):
        assert reviewer_client.get(WORKLIST).status_code == 200


# The cache


def test_publishing_a_claim_makes_a_new_worklist(cells, editor, reviewer_client):
    before = load_worklist()
    assert load_worklist() is before  # nothing changed: the same one
    draft = ClaimFactory(
        framework=cells["django"],
        criterion=cells["settled"],
        status=Claim.Status.IN_REVIEW,
        author=editor,
        rating=5,
    )
    # A claim in review is not evidence yet: the worklist is built again, on the same evidence.
    assert load_worklist().rows == before.rows
    run_action(reviewer_client, "publish", draft)
    assert Claim.objects.get(pk=draft.pk).status == Claim.Status.PUBLISHED
    after = load_worklist()
    assert after.version != before.version
    assert after.published_claims == before.published_claims + 1
    settled = rows_by_cell(after)["django", "settled"]
    assert settled.claims == 3 and settled.moved_to == (3.0, 5.0)  # the new claim moves it now


# The command


def test_the_command_prints_the_top_rows_and_warms_the_cache(cells, monkeypatch):
    out = io.StringIO()
    call_command("evidence_worklist", top=3, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{worklist_module.SAMPLE_SIZE} random visitors comparing Django and Flask"
    assert lines[1].split() == ["rank", "framework", "criterion", "changed", "score", "why"]
    assert len(lines) == 2 + 3
    top = build_worklist(timezone.localdate()).rows[0]
    assert lines[2].split()[:3] == ["1", top.framework_name, top.criterion_name]
    assert "100%" in lines[2] and top.need.thin_words in lines[2]
    # Another process finds it in the shared cache: nothing is built again.
    forget_in_process()
    monkeypatch.setattr(worklist_module, "build_worklist", lambda *args: pytest.fail("built again"))
    assert load_worklist().rows[0] == top


def test_the_command_with_no_claims_says_so(db):
    out = io.StringIO()
    call_command("evidence_worklist", stdout=out)
    assert out.getvalue() == "No published claims yet: nothing to rank.\n"
