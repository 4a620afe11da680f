"""A visitor who doubts a verdict follows it to its evidence, reports a problem there, and widens
the comparison, in Chromium."""

import pytest
from playwright.sync_api import Page, expect

from frameworks.models import Claim
from recommender.models import Verdict
from recommender.verdicts import VerdictRequest, compute_and_store

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("seeded"),
]


def test_a_visitor_follows_a_quoted_claim_from_the_verdict_and_reports_a_problem(live_server, page: Page):
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    page.goto(f"{live_server.url}{verdict.get_absolute_url()}")
    first_claim = page.locator("article.reason .claim .statement a").first
    statement = first_claim.inner_text()
    first_claim.click()

    page.wait_for_url("**/claims/*/")
    expect(page.locator("main")).to_contain_text(statement)
    page.get_by_role("textbox", name="What is wrong").fill("The rating does not follow from the quote.")
    page.get_by_role("button", name="Send the report").click()

    expect(page.get_by_role("status")).to_contain_text("your report was saved")
    claim = Claim.objects.get(pk=page.url.split("/claims/")[1].split("/")[0])
    assert claim.statement == statement
    assert [r.message for r in claim.problem_reports.all()] == ["The rating does not follow from the quote."]


def test_a_visitor_adds_a_framework_to_the_comparison_with_the_keyboard(live_server, page: Page):
    verdict = compute_and_store(VerdictRequest(answers={"project": ["rest-api"]}))
    page.goto(f"{live_server.url}{verdict.get_absolute_url()}")
    page.get_by_role("link", name="Add FastAPI to the comparison").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Compare Django, Flask and FastAPI").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(lambda url: str(verdict.id) not in url and "/verdict/" in url)
    widened = Verdict.objects.exclude(pk=verdict.pk).get()
    assert widened.frameworks == ["django", "flask", "fastapi"]
    assert page.url.endswith(widened.get_absolute_url())
