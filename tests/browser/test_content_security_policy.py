"""Every page works under the Content-Security-Policy: Chromium reports no violation anywhere."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from frameworks.models import Claim
from tests.pages import BROWSE_PAGES, VERDICT_PAGES, resolve_page

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("seeded"),
]

SITE_PAGES = ["/", "/questionnaire/", "/methodology/", *VERDICT_PAGES, *BROWSE_PAGES]

# Recorded by the page itself from the moment it starts, so nothing reported early is missed.
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def violations_on(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations")


@pytest.fixture
def watched_page(page: Page) -> Page:
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    return page


@pytest.mark.parametrize("path", SITE_PAGES)
def test_site_pages_break_no_rule_of_the_policy(live_server, watched_page, path):
    assert violations_on(watched_page, live_server.url + resolve_page(path)) == []


def test_the_claim_pages_structured_data_is_there_and_allowed(live_server, watched_page):
    claim = Claim.objects.published().latest("pk")
    url = live_server.url + reverse("frameworks:claim", args=[claim.pk])
    assert violations_on(watched_page, url) == []
    assert watched_page.locator("script[type='application/ld+json']").count() == 1


def test_the_api_docs_render_under_the_policy(live_server, watched_page):
    assert violations_on(watched_page, f"{live_server.url}/api/docs/") == []
    expect(watched_page.get_by_text("Framework chooser API").first).to_be_visible()


def test_the_admin_works_under_the_policy(live_server, watched_page, admin_user):
    assert violations_on(watched_page, f"{live_server.url}/admin/login/") == []
    watched_page.get_by_label("Username").fill("admin")
    watched_page.get_by_label("Password").fill("password")
    watched_page.get_by_role("button", name="Log in").click()
    expect(watched_page.get_by_role("link", name="Claims")).to_be_visible()
    claim = Claim.objects.latest("pk")
    for path in ["/admin/", "/admin/frameworks/claim/", f"/admin/frameworks/claim/{claim.pk}/change/"]:
        assert violations_on(watched_page, live_server.url + path) == [], path
