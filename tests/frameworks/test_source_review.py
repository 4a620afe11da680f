"""A cited source changes only by a reviewed proposal; slugs never change; unreviewed sources stay out."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from frameworks.models import CITATION_FIELDS, Claim, Source, SourceChange
from tests.factories import ClaimFactory, SourceFactory
from tests.frameworks.test_admin import NO_INLINE_CLAIMS, messages_of

pytestmark = pytest.mark.django_db

PHISHING = "https://phishing.example/login"
CHANGES = "/api/source-changes/"


@pytest.fixture
def cited():
    return ClaimFactory(status=Claim.Status.PUBLISHED, source=SourceFactory(title="The real title")).source


def public_pages(client, source) -> str:
    claim = source.claims.published().first()
    urls = [
        "/sources/",
        reverse("frameworks:source", args=[source.pk]),
        reverse("frameworks:claim", args=[claim.pk]),
    ]
    return "".join(client.get(url).content.decode() for url in urls)


def source_form(cited, **changes):
    data = {name: Source._meta.get_field(name).value_to_string(cited) for name in CITATION_FIELDS}
    return {**data, "slug": cited.slug, **NO_INLINE_CLAIMS, **changes}


def test_one_editor_cannot_change_a_cited_source_through_the_api(editor_api, cited, client, api):
    response = editor_api.patch(
        f"/api/sources/{cited.pk}/", {"url": PHISHING, "title": "Fake"}, format="json"
    )
    assert response.status_code == 409 and "propose it" in response.json()["detail"]
    cited.refresh_from_db()
    assert cited.url != PHISHING
    assert PHISHING not in public_pages(client, cited)
    assert PHISHING not in api.get(f"/api/sources/{cited.pk}/").content.decode()


def test_one_editor_cannot_change_a_cited_source_in_the_admin(editor_client, cited, client):
    url = reverse("admin:frameworks_source_change", args=[cited.pk])
    assert "propose a change" in editor_client.get(url).content.decode()
    editor_client.post(url, source_form(cited, url=PHISHING, title="Fake"))
    cited.refresh_from_db()
    assert (cited.url, cited.title) != (PHISHING, "Fake")
    assert PHISHING not in public_pages(client, cited)


def test_a_proposed_change_goes_public_only_once_another_reviewer_applies_it(
    editor_api, reviewer_api, cited, client
):
    proposed = editor_api.post(
        CHANGES, {"source": cited.pk, "proposed": {"url": PHISHING}, "note": "New address."}, format="json"
    )
    assert proposed.status_code == 201, proposed.json()
    change = proposed.json()
    assert change["status"] == "proposed" and change["changes"] == {"url": [cited.url, PHISHING]}
    assert PHISHING not in public_pages(client, cited)

    own = editor_api.post(f"{CHANGES}{change['id']}/apply/")
    assert own.status_code == 403  # an editor may not apply, and nobody applies their own
    applied = reviewer_api.post(f"{CHANGES}{change['id']}/apply/")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert PHISHING in public_pages(client, cited)
    assert reviewer_api.post(f"{CHANGES}{change['id']}/apply/").status_code == 409


def test_a_reviewer_cannot_apply_their_own_proposal(reviewer_api, cited):
    change = reviewer_api.post(CHANGES, {"source": cited.pk, "proposed": {"title": "Mine"}}, format="json")
    refused = reviewer_api.post(f"{CHANGES}{change.json()['id']}/apply/")
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
    cited.refresh_from_db()
    assert cited.title == "The real title"


def test_proposals_that_change_nothing_or_break_the_rules_are_refused(editor_api, cited):
    same = editor_api.post(CHANGES, {"source": cited.pk, "proposed": {"title": cited.title}}, format="json")
    assert same.status_code == 400 and "changes nothing" in str(same.json())
    ftp = editor_api.post(CHANGES, {"source": cited.pk, "proposed": {"url": "ftp://x.org/"}}, format="json")
    assert ftp.status_code == 400 and "url" in str(ftp.json())


def test_a_proposal_made_outdated_by_another_change_is_refused(editor_api, reviewer_api, cited):
    first = editor_api.post(CHANGES, {"source": cited.pk, "proposed": {"title": "One"}}, format="json").json()
    second = editor_api.post(
        CHANGES, {"source": cited.pk, "proposed": {"title": "Two"}}, format="json"
    ).json()
    assert reviewer_api.post(f"{CHANGES}{first['id']}/apply/").status_code == 200
    outdated = reviewer_api.post(f"{CHANGES}{second['id']}/apply/")
    assert outdated.status_code == 409 and "propose the change again" in outdated.json()["detail"]


def test_proposals_are_for_editors_only(api, editor_api, cited):
    assert api.get(CHANGES).status_code == 401
    assert editor_api.get(CHANGES).status_code == 200


def test_the_admin_workflow_propose_then_another_reviewer_applies(editor_client, client, reviewer, cited):
    add = reverse("admin:frameworks_sourcechange_add")
    form = editor_client.get(add, {"source": cited.pk}).content.decode()
    assert 'value="The real title"' in form  # filled with the source's current values
    data = source_form(cited, source=cited.pk, title="Corrected title", note="Typo.")
    assert editor_client.post(add, data).status_code == 302
    change = SourceChange.objects.get()
    assert change.changes == {"title": ["The real title", "Corrected title"]}
    cited.refresh_from_db()
    assert cited.title == "The real title"

    changelist = reverse("admin:frameworks_sourcechange_changelist")
    editor_client.post(changelist, {"action": "apply", "_selected_action": [change.pk]})
    change.refresh_from_db()
    assert change.status == SourceChange.Status.PROPOSED  # editors may not apply

    client.force_login(reviewer)
    response = client.post(changelist, {"action": "apply", "_selected_action": [change.pk]}, follow=True)
    assert "1 source change(s) applied." in messages_of(response)
    cited.refresh_from_db()
    assert cited.title == "Corrected title" and cited.history.latest().history_user == reviewer


def test_a_source_slug_cannot_be_renamed_through_the_api_and_seeding_again_adds_nothing(editor_api, seeded):
    uncited = SourceFactory(slug="kept")
    response = editor_api.patch(f"/api/sources/{uncited.pk}/", {"slug": "renamed"}, format="json")
    assert response.status_code == 400 and "slug" in response.json()
    seeded_source = Source.objects.exclude(pk=uncited.pk).first()
    editor_api.patch(f"/api/sources/{seeded_source.pk}/", {"slug": "renamed"}, format="json")
    count = Source.objects.count()
    call_command("seed", stdout=io.StringIO())
    assert Source.objects.count() == count
    assert set(Source.objects.values_list("slug", flat=True)) >= {"kept", seeded_source.slug}


def test_a_source_no_published_claim_cites_stays_off_public_pages(client, api, editor_api):
    unreviewed = SourceFactory(title="Unreviewed source", url=PHISHING)
    ClaimFactory(status=Claim.Status.DRAFT, source=unreviewed)
    assert "Unreviewed source" not in client.get("/sources/").content.decode()
    assert client.get(reverse("frameworks:source", args=[unreviewed.pk])).status_code == 404
    assert api.get(f"/api/sources/{unreviewed.pk}/").status_code == 404
    assert PHISHING not in api.get("/api/sources/").content.decode()
    assert editor_api.get(f"/api/sources/{unreviewed.pk}/").status_code == 200
    # An editor may still change it alone: nobody outside sees it yet.
    assert (
        editor_api.patch(f"/api/sources/{unreviewed.pk}/", {"title": "Better"}, format="json").status_code
        == 200
    )
