import datetime

import pytest
from django.urls import reverse

from frameworks.models import Claim, ProblemReport
from tests.factories import ClaimFactory, FrameworkFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:frameworks_claim_changelist")
NO_INLINE_CLAIMS = {"claims-TOTAL_FORMS": 0, "claims-INITIAL_FORMS": 0}


def change_url(claim):
    return reverse("admin:frameworks_claim_change", args=[claim.pk])


def claim_form(claim, **changes):
    data = {
        "framework": claim.framework_id,
        "criterion": claim.criterion_id,
        "source": claim.source_id,
        "statement": claim.statement,
        "quote": claim.quote,
        "rating": claim.rating,
        "value": "",
        "unit": "",
        "applies_to": "",
        "as_of": claim.as_of.isoformat() if claim.as_of else "",
        "superseded_by": "",
        "quote_unchecked_reason": claim.quote_unchecked_reason,
        "loaded_version": claim.version,
        "_save": "Save",
    }
    return {**data, **changes}


def run_action(client, action, *claims, **fields):
    data = {"action": action, "_selected_action": [c.pk for c in claims], **fields}
    return client.post(CLAIMS, data, follow=True)


def retire_in_admin(client, *claims, reason="Its source withdrew the page."):
    """The retire action, and the reason posted back from the page it asks on."""
    return run_action(client, "retire", *claims, apply="yes", reason=reason)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# Roles, checked through the admin views themselves.


@pytest.mark.parametrize(
    "url",
    [
        CLAIMS,
        reverse("admin:frameworks_claim_add"),
        reverse("admin:frameworks_source_add"),
        reverse("admin:frameworks_framework_changelist"),
        reverse("admin:criteria_criterion_changelist"),
    ],
)
def test_editor_may_draft_claims_and_sources_and_read_the_rest(editor_client, url):
    assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:frameworks_framework_add"),
        reverse("admin:criteria_criterion_add"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
    ],
)
def test_editor_may_not_manage_frameworks_criteria_or_users(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_nobody_in_a_role_may_delete_evidence(editor_client, reviewer_client):
    claim = ClaimFactory()
    delete = reverse("admin:frameworks_claim_delete", args=[claim.pk])
    assert editor_client.get(delete).status_code == 403
    assert reviewer_client.get(delete).status_code == 403
    assert reviewer_client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize("role_client", ["editor_client", "reviewer_client"])
def test_neither_role_may_change_a_framework_or_criterion(request, role_client):
    client = request.getfixturevalue(role_client)
    framework = FrameworkFactory(name="Flask")
    url = reverse("admin:frameworks_framework_change", args=[framework.pk])
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(
        url,
        {
            "slug": "flask",
            "name": "Renamed",
            "summary": "s",
            "kind": "micro",
            **{f"claims-{k}": v for k, v in NO_INLINE_CLAIMS.items()},
        },
    )
    assert response.status_code == 403
    framework.refresh_from_db()
    assert framework.name == "Flask"


def test_reviewer_retires_claims_and_editor_cannot(editor_client, client, reviewer):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    retire_in_admin(editor_client, claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    client.force_login(reviewer)
    retire_in_admin(client, claim)
    claim.refresh_from_db()
    assert (claim.status, claim.retired_reason) == (Claim.Status.RETIRED, "Its source withdrew the page.")


def test_retiring_in_the_admin_asks_why_first(reviewer_client):
    claims = [ClaimFactory(status=Claim.Status.PUBLISHED) for _ in range(2)]
    asked = run_action(reviewer_client, "retire", *claims)
    assert asked.status_code == 200
    assert asked.templates[0].name == "admin/frameworks/claim/retire.html"
    page = asked.content.decode()
    for claim in claims:
        assert f'name="_selected_action" value="{claim.pk}"' in page
    assert 'name="action" value="retire"' in page and 'name="reason"' in page
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == Claim.Status.PUBLISHED

    done = retire_in_admin(reviewer_client, *claims, reason="Overtaken by the 5.2 release notes.")
    assert "2 claim(s) retired." in messages_of(done)
    for claim in claims:
        claim.refresh_from_db()
        assert (claim.status, claim.retired_reason) == (
            Claim.Status.RETIRED,
            "Overtaken by the 5.2 release notes.",
        )
    history = claims[0].history.first()
    assert (history.status, history.retired_reason) == (Claim.Status.RETIRED, claims[0].retired_reason)


@pytest.mark.parametrize("reason", ["", "   "])
def test_retiring_in_the_admin_without_a_reason_asks_again(reviewer_client, reason):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    response = retire_in_admin(reviewer_client, claim, reason=reason)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why the claim is retired" in page
    assert f'name="_selected_action" value="{claim.pk}"' in page
    claim.refresh_from_db()
    assert (claim.status, claim.retired_reason) == (Claim.Status.PUBLISHED, "")


def test_a_retired_claim_shows_its_reason_read_only_in_the_admin(reviewer_client):
    claim = ClaimFactory(status=Claim.Status.RETIRED, retired_reason="Overtaken.")
    page = reviewer_client.get(change_url(claim)).content.decode()
    assert "Overtaken." in page and 'name="retired_reason"' not in page


def test_an_editor_saves_a_source_and_the_history_records_who(editor_client, editor):
    source = SourceFactory(title="Old title")
    url = reverse("admin:frameworks_source_change", args=[source.pk])
    data = {
        "slug": source.slug,
        "title": "New title",
        "kind": "article",
        "url": "",
        "published_precision": "day",
        "accessed_on": "2026-11-20",
        **NO_INLINE_CLAIMS,
    }
    assert editor_client.post(url, data).status_code == 302
    latest = source.history.latest()
    assert (latest.title, latest.history_user) == ("New title", editor)


def test_editor_is_not_offered_and_cannot_run_the_publish_action(editor_client, other_editor):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=other_editor)
    actions = dict(editor_client.get(CLAIMS).context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions
    assert "publish" not in actions and "retire" not in actions
    run_action(editor_client, "publish", claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


# The workflow and the four-eyes rule.


def test_editor_drafts_a_claim_and_is_recorded_as_its_author(editor_client, editor):
    existing = ClaimFactory()
    data = claim_form(existing, statement="A new draft.", loaded_version="")
    response = editor_client.post(reverse("admin:frameworks_claim_add"), data)
    assert response.status_code == 302
    draft = Claim.objects.get(statement="A new draft.")
    assert (draft.status, draft.author) == (Claim.Status.DRAFT, editor)


def test_draft_goes_to_review_then_a_reviewer_publishes_it(editor_client, editor, client, reviewer):
    claim = ClaimFactory(status=Claim.Status.DRAFT, author=editor)
    run_action(editor_client, "submit_for_review", claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW

    client.force_login(reviewer)
    response = run_action(client, "publish", claim)
    claim.refresh_from_db()
    assert (claim.status, claim.reviewer) == (Claim.Status.PUBLISHED, reviewer)
    assert "1 claim(s) published." in messages_of(response)


def test_four_eyes_a_reviewer_cannot_publish_their_own_claim(reviewer_client, reviewer):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=reviewer)
    response = run_action(reviewer_client, "publish", claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
    assert any("someone else must review and publish it" in m for m in messages_of(response))


def test_publishing_a_claim_without_a_quote_says_what_to_fix(reviewer_client, editor):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=editor, quote="")
    response = run_action(reviewer_client, "publish", claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
    assert any("must quote its source" in m for m in messages_of(response))


def test_published_claims_are_read_only_for_editors(editor_client):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED, statement="The record.")
    response = editor_client.post(change_url(claim), claim_form(claim, statement="Rewritten."))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "The record."


# Two editors, one claim.


def test_a_second_save_from_an_outdated_form_is_refused_and_loses_nothing(client, editor, other_editor):
    claim = ClaimFactory(status=Claim.Status.DRAFT, statement="Original.")
    client.force_login(editor)
    assert (
        client.post(change_url(claim), claim_form(claim, statement="First editor's text.")).status_code == 302
    )

    client.force_login(other_editor)
    response = client.post(change_url(claim), claim_form(claim, statement="Second editor's text."))
    assert response.status_code == 200
    assert "Someone else saved this claim after you opened it" in response.content.decode()
    assert "Second editor&#x27;s text." in response.content.decode()
    claim.refresh_from_db()
    assert claim.statement == "First editor's text."

    # Having seen the conflict, saving again from the re-rendered form is a deliberate overwrite.
    form = response.context["adminform"].form
    resubmitted = claim_form(
        claim, statement="Second editor's text.", loaded_version=form["loaded_version"].value()
    )
    assert client.post(change_url(claim), resubmitted).status_code == 302
    claim.refresh_from_db()
    assert claim.statement == "Second editor's text."
    assert claim.history.count() == 3


# Bad input gets a message that says what to fix.


def test_a_rating_of_7_is_refused_with_a_message(editor_client):
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    response = editor_client.post(change_url(claim), claim_form(claim, rating=7))
    assert response.status_code == 200
    assert "less than or equal to 5" in response.content.decode()


def test_a_source_url_that_is_not_http_is_refused_with_a_message(editor_client):
    data = {
        "slug": "s",
        "title": "T",
        "kind": "article",
        "url": "ftp://example.org/doc",
        "published_precision": "day",
        "accessed_on": "2026-11-20",
        **NO_INLINE_CLAIMS,
    }
    response = editor_client.post(reverse("admin:frameworks_source_add"), data)
    assert response.status_code == 200
    assert "starts with http:// or https://" in response.content.decode()


def test_a_duplicate_slug_is_refused_with_a_message(editor_client):
    SourceFactory(slug="taken")
    data = {
        "slug": "taken",
        "title": "T",
        "kind": "article",
        "url": "",
        "published_precision": "day",
        "accessed_on": "2026-11-20",
        **NO_INLINE_CLAIMS,
    }
    response = editor_client.post(reverse("admin:frameworks_source_add"), data)
    assert response.status_code == 200
    assert "Source with this Slug already exists." in response.content.decode()


# Finding stale evidence, and pages that cost the same however much evidence there is.


def test_freshness_filters_list_stale_and_undated_claims_apart(editor_client):
    fresh = ClaimFactory(statement="Fresh claim.")
    ClaimFactory(statement="Undated claim.", as_of=None)
    ClaimFactory(statement="Superseded claim.", superseded_by=fresh)
    ClaimFactory(statement="Old claim.", as_of=datetime.date(2001, 1, 1))
    stale = editor_client.get(CLAIMS, {"freshness": "stale"}).content.decode()
    assert "Old claim." in stale and "Superseded claim." in stale
    assert "Fresh claim." not in stale and "Undated claim." not in stale
    undated = editor_client.get(CLAIMS, {"freshness": "undated"}).content.decode()
    assert "Undated claim." in undated and "Old claim." not in undated


def test_claims_show_inline_on_their_framework_and_source(editor_client):
    claim = ClaimFactory(statement="Shown inline.")
    for url in (
        reverse("admin:frameworks_framework_change", args=[claim.framework_id]),
        reverse("admin:frameworks_source_change", args=[claim.source_id]),
    ):
        assert "Shown inline." in editor_client.get(url).content.decode()


def test_claim_history_page_lists_changes(editor_client):
    claim = ClaimFactory()
    response = editor_client.get(reverse("admin:frameworks_claim_history", args=[claim.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("extra_claims", [0, 60])
def test_claim_changelist_query_count_does_not_grow(
    editor_client, django_assert_max_num_queries, extra_claims
):
    ClaimFactory.create_batch(5 + extra_claims)
    with django_assert_max_num_queries(12):
        assert editor_client.get(CLAIMS).status_code == 200


@pytest.mark.parametrize("extra_claims", [0, 60])
def test_claim_change_page_query_count_does_not_grow(
    editor_client, django_assert_max_num_queries, extra_claims
):
    claim = ClaimFactory(status=Claim.Status.DRAFT, superseded_by=ClaimFactory())
    ClaimFactory.create_batch(extra_claims, framework=claim.framework, source=claim.source)
    with django_assert_max_num_queries(12):
        assert editor_client.get(change_url(claim)).status_code == 200


def test_a_reviewer_who_changed_a_claim_cannot_publish_it(reviewer_client, reviewer, editor):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=editor, rating=2)
    assert reviewer_client.post(change_url(claim), claim_form(claim, rating=5)).status_code == 302
    response = run_action(reviewer_client, "publish", claim)
    claim.refresh_from_db()
    assert (claim.status, claim.rating, claim.last_edited_by) == (Claim.Status.IN_REVIEW, 5, reviewer)
    assert any("You changed this claim last" in m for m in messages_of(response))


def test_a_claim_cannot_be_made_its_own_successor(editor_client):
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    response = editor_client.post(change_url(claim), claim_form(claim, superseded_by=claim.pk))
    assert response.status_code == 200
    assert "A claim cannot supersede itself." in response.content.decode()


def test_a_successor_must_be_on_the_same_cell_and_not_loop(reviewer_client):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    elsewhere = ClaimFactory()
    response = reviewer_client.post(change_url(claim), claim_form(claim, superseded_by=elsewhere.pk))
    assert "same framework and criterion" in response.content.decode()
    newer = ClaimFactory(framework=claim.framework, criterion=claim.criterion, superseded_by=claim)
    response = reviewer_client.post(change_url(claim), claim_form(claim, superseded_by=newer.pk))
    assert "in a loop" in response.content.decode()
    claim.refresh_from_db()
    assert claim.superseded_by is None


def test_a_claim_published_while_an_editor_was_editing_keeps_their_text_in_the_message(
    client, editor, reviewer
):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=UserFactory())
    stale_form = claim_form(claim, statement="My careful rewrite.")
    claim.publish(reviewer)
    claim.version += 1
    claim.save()
    client.force_login(editor)
    response = client.post(change_url(claim), stale_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "it is now Published, so it can no longer be edited" in page
    assert "My careful rewrite." in page
    claim.refresh_from_db()
    assert claim.statement != "My careful rewrite."


@pytest.mark.parametrize("role_client", ["editor_client", "reviewer_client"])
def test_past_versions_can_be_read_but_not_restored(request, role_client):
    client = request.getfixturevalue(role_client)
    claim = ClaimFactory(status=Claim.Status.RETIRED, statement="Current.")
    first = claim.history.earliest()
    claim.statement = "Later."
    claim.save()
    listing = client.get(reverse("admin:frameworks_claim_history", args=[claim.pk])).content.decode()
    assert "Later." in listing and "revert" not in listing.lower()  # nor "choose a date to revert"
    url = reverse("admin:frameworks_claim_simple_history", args=[claim.pk, first.history_id])
    version = client.get(url)
    assert version.status_code == 200 and "Current." in version.content.decode()
    assert "revert" not in version.content.decode().lower()  # no Revert button that answers 403
    assert client.post(url, claim_form(claim, statement="Reverted.")).status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.statement) == (Claim.Status.RETIRED, "Later.")


def test_slugs_cannot_be_renamed_after_creation(editor_client):
    source = SourceFactory(slug="kept")
    url = reverse("admin:frameworks_source_change", args=[source.pk])
    data = {
        "slug": "renamed",
        "title": "T",
        "kind": "article",
        "url": "",
        "published_precision": "day",
        "accessed_on": "2026-11-20",
        **NO_INLINE_CLAIMS,
    }
    assert editor_client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.slug == "kept"


# Problem reports from visitors.

REPORTS = reverse("admin:frameworks_problemreport_changelist")


def test_open_reports_are_listed_until_an_editor_marks_them_handled(editor_client, editor):
    claim = ClaimFactory()
    first = ProblemReport.objects.create(claim=claim, message="The quote is cut short.")
    second = ProblemReport.objects.create(claim=claim, message="This is from 2019.")

    response = editor_client.post(
        REPORTS, {"action": "mark_handled", "_selected_action": [first.pk]}, follow=True
    )
    assert messages_of(response) == ["1 report(s) marked handled."]
    first.refresh_from_db()
    assert first.handled_by == editor and first.handled_at is not None

    listed = list(editor_client.get(REPORTS).context["cl"].result_list)
    assert listed == [second]
    assert list(editor_client.get(REPORTS, {"state": "handled"}).context["cl"].result_list) == [first]
    assert len(editor_client.get(REPORTS, {"state": "all"}).context["cl"].result_list) == 2


@pytest.mark.parametrize("reports", [3, 60])
def test_the_report_list_runs_in_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries, reports
):
    claims = ClaimFactory.create_batch(3)
    ProblemReport.objects.bulk_create(
        ProblemReport(claim=claims[n % 3], message=f"Report {n}.") for n in range(reports)
    )
    with django_assert_max_num_queries(10):
        assert editor_client.get(REPORTS).status_code == 200
