"""Whatever an editor or a visitor writes is shown as text: on every page, in the admin, in the API."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from criteria.models import Criterion
from frameworks.models import Claim, ProblemReport, Source
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.pages import BROWSE_PAGES, VERDICT_PAGES, resolve_page

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SHOWN = escape(PAYLOAD)


@pytest.fixture
def hostile_text(seeded):
    """Every claim, source and criterion says the same hostile thing (bypassing the workflow)."""
    Claim.objects.update(statement=PAYLOAD, quote=PAYLOAD)
    Source.objects.update(title=PAYLOAD)
    Criterion.objects.filter(slug="orm").update(name=PAYLOAD)
    ProblemReport.objects.create(claim=Claim.objects.published().first(), message=PAYLOAD)


def assert_shown_as_text(page: str, where: str) -> None:
    assert PAYLOAD not in page and "<script>alert" not in page and "<img src=x" not in page, where
    assert "alert(" not in page or "&lt;script&gt;alert(" in page, where


@pytest.mark.usefixtures("hostile_text")
@pytest.mark.parametrize("path", ["/", "/questionnaire/", *VERDICT_PAGES, *BROWSE_PAGES, "/changes/feed/"])
def test_public_pages_show_it_as_text(client, path):
    page = client.get(resolve_page(path)).content.decode()
    assert_shown_as_text(page, path)


@pytest.mark.usefixtures("hostile_text")
def test_it_reaches_the_pages_it_should(client):
    claim = Claim.objects.published().filter(framework__slug="django").latest("pk")
    for path in [reverse("frameworks:claim", args=[claim.pk]), "/criteria/", "/sources/"]:
        assert SHOWN in client.get(path).content.decode(), path
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    assert SHOWN in client.get(verdict.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("hostile_text")
def test_the_admin_shows_it_as_text(admin_client):
    claim = Claim.objects.published().first()
    report = ProblemReport.objects.get()
    paths = [
        "/admin/frameworks/claim/",
        reverse("admin:frameworks_claim_change", args=[claim.pk]),
        reverse("admin:frameworks_claim_history", args=[claim.pk]),
        "/admin/frameworks/source/",
        "/admin/criteria/criterion/",
        "/admin/frameworks/problemreport/",
        reverse("admin:frameworks_problemreport_change", args=[report.pk]),
    ]
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert_shown_as_text(response.content.decode(), path)
    assert SHOWN in admin_client.get("/admin/frameworks/claim/").content.decode()


@pytest.mark.usefixtures("hostile_text")
def test_the_api_returns_it_as_data_and_its_browsable_pages_as_text(client):
    claim = Claim.objects.published().first()
    as_json = client.get(f"/api/claims/{claim.pk}/", HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"] == "application/json" and as_json.json()["statement"] == PAYLOAD
    as_html = client.get(f"/api/claims/{claim.pk}/", HTTP_ACCEPT="text/html")
    assert as_html["Content-Type"].startswith("text/html")
    assert_shown_as_text(as_html.content.decode(), "browsable API")
