"""A visitor in Chromium: keyboard only, live preview, re-weighting, browsing the evidence,
reporting a problem, accessibility and small screens."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from frameworks.models import Claim
from recommender.verdicts import VerdictRequest, compute
from tests.pages import BROWSE_PAGES, VERDICT_PAGES, resolve_page

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("seeded"),
]


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose_with_arrows(page: Page, question: str, steps: int) -> None:
    """Radio groups: Tab lands on the checked option ("No answer"); arrow keys move the choice."""
    tab_to(page, f"input[name='{question}']")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def test_a_visitor_answers_with_the_keyboard_alone_and_reads_a_cited_verdict(live_server, page: Page):
    page.goto(f"{live_server.url}/questionnaire/")
    choose_with_arrows(page, "experience", 3)  # experienced
    choose_with_arrows(page, "project", 3)  # content site
    choose_with_arrows(page, "admin", 1)  # yes
    choose_with_arrows(page, "accounts", 1)  # yes
    choose_with_arrows(page, "database", 1)  # relational
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/verdict/**")
    expect(page.locator(".headline")).to_have_attribute("data-winner", "django")
    expect(page.get_by_role("heading", name="Why")).to_be_visible()
    first_reason = page.locator("article.reason").first
    expect(first_reason.locator("blockquote").first).to_be_visible()
    expect(first_reason.locator(".citation").first).to_contain_text("Django")


def test_the_preview_follows_the_answers_without_a_reload(live_server, page: Page):
    page.goto(f"{live_server.url}/questionnaire/")
    preview = page.locator("#preview-body .preview-headline")
    expect(preview).to_have_attribute("data-winner", "django")
    page.evaluate("window.notReloaded = true")

    page.get_by_label("A service for IoT devices").check()
    page.get_by_label("A non-relational store (MongoDB, Redis, a time-series database)").check()
    page.get_by_label("I want full control over every piece").check()

    expect(preview).to_have_attribute("data-winner", "flask")
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/questionnaire/")


def test_editing_a_weight_gives_a_new_verdict(live_server, page: Page):
    verdict = compute(VerdictRequest(answers={"project": ["content-site"]}))
    page.goto(f"{live_server.url}{verdict.get_absolute_url()}")
    page.get_by_role("link", name="Change the weights and re-score").click()
    page.get_by_role("spinbutton", name="Admin back-office").fill("0")
    page.get_by_role("button", name="Re-score with these weights").click()

    page.wait_for_url(lambda url: str(verdict.id) not in url and url.endswith("/"))
    expect(page.locator(".moved-weights")).to_contain_text("Admin back-office: 0")


def test_opening_a_comparison_cell_shows_its_quoted_claims(live_server, page: Page):
    page.goto(f"{live_server.url}/compare/?frameworks=flask,django")
    cell = page.locator("details[data-cell='django-orm']")
    quotes = cell.locator("blockquote")
    expect(quotes.first).to_be_hidden()
    tab_to(page, "details[data-cell='django-orm'] > summary")
    page.keyboard.press("Enter")
    expect(quotes.first).to_be_visible()
    expect(cell.locator(".citation").first).to_be_visible()


def test_a_visitor_reports_a_problem_with_a_claim(live_server, page: Page):
    claim = Claim.objects.published().first()
    page.goto(f"{live_server.url}{reverse('frameworks:claim', args=[claim.pk])}")
    page.get_by_role("textbox", name="What is wrong").fill("The quote stops mid-sentence.")
    page.get_by_role("button", name="Send the report").click()

    expect(page.get_by_role("status")).to_contain_text("your report was saved")
    assert list(claim.problem_reports.values_list("message", flat=True)) == ["The quote stops mid-sentence."]


PAGES = ["/", "/questionnaire/", "/methodology/", *VERDICT_PAGES, *BROWSE_PAGES]


def page_url(live_server, path: str) -> str:
    return f"{live_server.url}{resolve_page(path)}"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violations(live_server, page: Page, path):
    page.goto(page_url(live_server, path))
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_375_pixel_screen_without_horizontal_scrolling(live_server, page: Page, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page_url(live_server, path))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
