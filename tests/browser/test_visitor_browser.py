"""A visitor in Chromium: keyboard only, live preview, re-weighting, browsing the evidence,
reporting a problem, accessibility and small screens."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from frameworks.models import Claim
from recommender.models import Verdict
from recommender.verdicts import VerdictRequest, compute_and_store
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
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
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


def serious_violations(page: Page) -> list:
    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_weights_page_projects_the_verdict_as_a_weight_moves(live_server, page: Page):
    verdict = compute_and_store(VerdictRequest())  # no answers: Django, narrowly
    page.goto(f"{live_server.url}{reverse('recommender:weights', args=[verdict.id])}")
    preview = page.locator("#preview-body .preview-headline")
    expect(preview).to_have_attribute("data-winner", "django")
    page.evaluate("window.notReloaded = true")

    tab_to(page, "input[name='fit-iot']")
    for _ in range(10):  # 0 to 10 with the keyboard: fit for IoT services then decides it for Flask
        page.keyboard.press("ArrowUp")

    expect(preview).to_have_attribute("data-winner", "flask")
    expect(page.locator("#preview-body")).to_contain_text("Flask fits best")
    assert page.evaluate("window.notReloaded") is True
    assert Verdict.objects.count() == 1


def test_a_preview_that_fails_keeps_the_last_projection_and_says_so(live_server, page: Page):
    verdict = compute_and_store(VerdictRequest())
    page.goto(f"{live_server.url}{reverse('recommender:weights', args=[verdict.id])}")
    preview = page.locator("#preview-body .preview-headline")
    expect(preview).to_have_attribute("data-winner", "django")
    page.route("**/weights/preview/", lambda route: route.fulfill(status=503, body="down"))

    page.get_by_role("spinbutton", name="Fit for IoT services").fill("10")

    expect(page.locator(".preview-status")).to_contain_text("could not update")
    expect(preview).to_have_attribute("data-winner", "django")


def test_every_weight_at_0_is_refused_in_the_preview_too(live_server, page: Page):
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    page.goto(f"{live_server.url}{reverse('recommender:weights', args=[verdict.id])}")
    expect(page.locator("#preview-body .preview-headline")).to_be_visible()
    for field in page.locator("input[type=number]").all():
        field.fill("0")
    expect(page.locator("#preview-body")).to_contain_text("with every weight at 0 nothing is compared")


def rerun_after_a_retirement() -> tuple[Verdict, Claim]:
    """A verdict, then one of the claims it counted retired: the evidence has changed since."""
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    claim = Claim.objects.get(pk=verdict.snapshot["reasons"][0]["cells"]["django"]["scored_ids"][0])
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.RETIRED, retired_reason="Overtaken.")
    return verdict, claim


def test_a_re_run_says_what_changed_since_the_old_verdict(live_server, page: Page):
    verdict, retired = rerun_after_a_retirement()
    page.goto(f"{live_server.url}{verdict.get_absolute_url()}")
    page.get_by_role("button", name="Re-run my answers on current evidence").click()

    page.wait_for_url(lambda url: str(verdict.id) not in url and "/verdict/" in url)
    since = page.locator("section.since")
    expect(since.get_by_role("heading", name="What changed since the verdict of")).to_be_visible()
    expect(since.locator(".since-removed")).to_contain_text(f"{retired.statement}")
    expect(since.locator(".since-removed")).to_contain_text("retired")
    expect(since.locator(".since-scores")).to_contain_text("Django:")
    back = since.get_by_role("link", name="that verdict")
    expect(back).to_have_attribute("href", verdict.get_absolute_url())


def rerun_page(live_server) -> str:
    verdict, _ = rerun_after_a_retirement()
    again = compute_and_store(VerdictRequest(answers=verdict.answers, rerun_of=verdict.id))
    return f"{live_server.url}{again.get_absolute_url()}"


def weights_page(live_server) -> str:
    return f"{live_server.url}{reverse('recommender:weights', args=[compute_and_store(VerdictRequest()).id])}"


@pytest.mark.parametrize("url", [weights_page, rerun_page], ids=["weights", "rerun"])
def test_the_weights_page_with_its_preview_and_a_re_run_page_are_accessible_and_fit_375_pixels(
    live_server, page: Page, url
):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url(live_server))
    if "/weights/" in page.url:
        expect(page.locator("#preview-body .preview-headline")).to_be_visible()
    else:
        expect(page.locator("section.since")).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
