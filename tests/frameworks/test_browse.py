"""The browse pages on the seed data: they render, and bad input on the report form is refused."""

import pytest
from django.test import Client
from django.utils.html import escape

from criteria.models import Criterion
from frameworks.models import Claim, Framework, ProblemReport, Source
from tests.factories import ClaimFactory, FrameworkFactory, SourceFactory
from tests.pages import BROWSE_PAGES, resolve_page

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    "url",
    [
        "/compare/",
        "/compare/?frameworks=flask,django,fastapi&sort=difference",
        "/frameworks/",
        "/frameworks/flask/",
        "/criteria/",
        "/criteria/orm/",
        "/sources/",
        "/changes/",
    ],
)
def test_browse_pages_render_with_title_description_and_open_graph(client, url):
    page = client.get(url).content.decode()
    assert "<title>" in page and 'name="description"' in page and 'property="og:title"' in page


def test_compare_downloads_csv_and_refuses_a_single_framework(client):
    csv = client.get("/compare/", {"frameworks": "flask,django", "format": "csv"})
    assert csv["Content-Type"] == "text/csv" and csv.content.decode().startswith("criterion,Flask rating")
    assert client.get("/compare/", {"frameworks": "flask"}).status_code == 400


def test_claim_page_shows_json_ld_history_and_the_report_form(client):
    claim = Claim.objects.published().first()
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert '"@type": "Review"' in page and "Report a problem" in page and "Claim published." in page
    assert client.get(f"/claims/{Claim.objects.create(**_draft(claim)).pk}/").status_code == 404


def _draft(claim):
    return {
        "framework": claim.framework,
        "criterion": claim.criterion,
        "source": claim.source,
        "statement": "Draft.",
        "rating": 3,
        "status": Claim.Status.DRAFT,
    }


def test_html_in_a_claim_shows_as_text(client):
    claim = Claim.objects.published().first()
    claim.statement = "<script>alert(1)</script>"
    claim.save()
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and escape("<script>alert(1)</script>") in page


@pytest.mark.parametrize(
    ("message", "status"), [("", 400), ("x" * 2001, 400), ("The quote is cut short.", 302)]
)
def test_report_form_stores_good_reports_and_refuses_bad_ones(client, message, status):
    claim = Claim.objects.published().first()
    response = client.post(f"/claims/{claim.pk}/report/", {"message": message})
    assert response.status_code == status
    assert ProblemReport.objects.exists() == (status == 302)


def test_report_form_needs_its_csrf_token():
    claim = Claim.objects.published().first()
    response = Client(enforce_csrf_checks=True).post(f"/claims/{claim.pk}/report/", {"message": "Wrong."})
    assert response.status_code == 403 and not ProblemReport.objects.exists()


def test_reports_are_rate_limited_per_address(client):
    claim = Claim.objects.published().first()
    codes = [client.post(f"/claims/{claim.pk}/report/", {"message": "Wrong."}).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]


def add_generated_evidence(claims: int) -> None:
    """More of everything on top of the seed: new frameworks and sources, and claims on every cell."""
    frameworks = list(Framework.objects.all()) + FrameworkFactory.create_batch(3)
    sources = list(Source.objects.all()) + SourceFactory.create_batch(5)
    criteria = list(Criterion.objects.all())
    for n in range(claims):
        ClaimFactory(
            framework=frameworks[n % len(frameworks)],
            criterion=criteria[n % len(criteria)],
            source=sources[n % len(sources)],
            rating=1 + n % 5,
        )


@pytest.mark.parametrize("generated_claims", [0, 400])
@pytest.mark.parametrize("url", BROWSE_PAGES)
def test_browse_pages_use_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, url, generated_claims
):
    add_generated_evidence(generated_claims)
    url = resolve_page(url)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
