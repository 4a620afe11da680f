"""API reads carry ETag and Last-Modified and answer 304 while the data behind them is unchanged."""

import pytest

from frameworks.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.usefixtures("seeded")

READS = [
    "/api/frameworks/",
    "/api/frameworks/django/",
    "/api/criteria/",
    "/api/criteria/orm/",
    "/api/sources/",
    "/api/claims/?framework=django",
    "/api/matrix/?frameworks=flask,django",
    "/api/questions/",
    "/api/questions/experience/",
]


@pytest.mark.parametrize("url", READS)
def test_a_read_answers_304_to_its_own_etag_in_one_query(api, url, django_assert_num_queries):
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(1):
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert "Authorization" in again["Vary"]
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_published_change_makes_the_old_etag_fail_at_once(api, editor_api):
    url = "/api/claims/?framework=django"
    before = api.get(url)
    ClaimFactory(framework=Claim.objects.filter(framework__slug="django").first().framework)
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["count"] == before.json()["count"] + 1


def test_the_etag_differs_by_query_format_and_credentials(api, editor_api):
    url = "/api/claims/"
    tags = {
        api.get(url)["ETag"],
        api.get(url, {"framework": "flask"})["ETag"],
        api.get(url, HTTP_ACCEPT="text/html")["ETag"],
        editor_api.get(url)["ETag"],  # editors also see drafts
    }
    assert len(tags) == 4


def test_a_stored_verdict_is_read_conditionally_too(api):
    created = api.post("/api/recommendations/", {"answers": {}}, format="json").json()
    url = f"/api/recommendations/{created['id']}/"
    first = api.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    ClaimFactory()  # the evidence moves on; a frozen verdict does not
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get("/api/recommendations/not-a-uuid/").status_code == 404
