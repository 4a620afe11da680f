import pytest
from playwright.sync_api import Page, expect

from frameworks.models import Claim
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_editor_logs_in_and_submits_a_draft_for_review_with_the_keyboard(live_server, page: Page):
    UserFactory(username="edith", role="Editor")
    claim = ClaimFactory(status=Claim.Status.DRAFT, statement="A draft to submit.")

    page.goto(f"{live_server.url}/admin/login/")
    page.keyboard.type("edith")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Claims")).to_be_visible()

    page.goto(f"{live_server.url}/admin/frameworks/claim/")
    page.get_by_role("checkbox", name="Select this object for an action").first.check()
    page.get_by_role("combobox", name="Action:").select_option("submit_for_review")
    page.get_by_role("button", name="Go").press("Enter")
    expect(page.get_by_text("1 claim(s) submitted for review.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW
