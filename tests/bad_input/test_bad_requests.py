import pytest

from recommender.models import Verdict

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/frameworks/fl%00ask/",
        "/api/claims/?search=a%00b",
        "/questionnaire/?experience=%00",
        "/verdict/%00/",
        "/admin/frameworks/claim/?q=%00",
    ],
)
def test_nul_bytes_in_paths_and_query_strings_get_400_not_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/questionnaire/", "/compare/", "/frameworks/", "/changes/", "/healthz"]
)
def test_head_requests_are_answered_like_gets(client, path):
    # Link checkers and uptime monitors ask with HEAD; refusing them would report the site down.
    assert client.head(path).status_code == client.get(path).status_code == 200
    assert not Verdict.objects.exists()  # and a HEAD is never taken for a submitted form
