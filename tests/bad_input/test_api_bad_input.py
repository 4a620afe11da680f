"""Bad JSON on every API operation gets a 4xx naming the problem, never a 500: lone surrogates in
keys and values, numbers beyond any column, deep and odd shapes (hypothesis), anonymously and as
a reviewer. schemathesis (test_api_schema.py) fuzzes within the schema; this goes outside it."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.models import Claim, Source, SourceChange
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.conftest import token_client

pytestmark = pytest.mark.usefixtures("seeded")

LONE_SURROGATES = ["\ud800", "a\udfffb", "\udbff\ud800"]
OUT_OF_RANGE = [2**63, -(2**63) - 1, 2**64, 10**30, 1e308, -1e308, 1.5, "9223372036854775808"]
BAD = st.sampled_from(LONE_SURROGATES + OUT_OF_RANGE)
SCALARS = st.one_of(
    BAD,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.booleans(),
    st.none(),
)
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def bodies(fields: list[str]):
    """JSON for an operation that reads `fields`: mostly those fields (so that bad values reach the
    serializers and filters, not only "unknown field"), holding bad scalars, lists and objects
    whose own keys and values may be bad too; sometimes anything at all."""
    keys = st.one_of(st.sampled_from(fields or ["x"]), st.sampled_from(LONE_SURROGATES), st.text(max_size=10))
    values = st.recursive(
        st.one_of(BAD, SCALARS),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
        max_leaves=6,
    )
    fielded = st.dictionaries(st.sampled_from(fields or ["x"]), values, min_size=1, max_size=4)
    return st.one_of(fielded, fielded, st.dictionaries(keys, values, max_size=4), values)


def operations() -> list[tuple[str, str, list[str]]]:
    """Every (method, path template, fields it reads) of the OpenAPI document but the document's
    own: its body's properties, or for a read its query parameters."""
    from django.test import Client

    document = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch"} or path == "/api/schema/":
                continue
            if method == "get":
                fields = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            else:
                schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                ref = schema.get("schema", {}).get("$ref", "")
                fields = list(components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            found.append((method.upper(), path, fields))
    return found


@pytest.fixture
def ids(editor, reviewer):
    claim = Claim.objects.published().first()
    change = SourceChange.propose(claim.source, editor, {"title": "Proposed title"})
    change.save()
    draft = Claim.objects.create(
        framework=claim.framework, criterion=claim.criterion, source=claim.source, statement="D.", rating=3
    )
    verdict = compute_and_store(VerdictRequest(answers={}))
    return {
        "/api/claims/{id}/": draft.pk,
        "/api/sources/{id}/": Source.objects.first().pk,
        "/api/source-changes/{id}/": change.pk,
        "/api/recommendations/{id}/": verdict.pk,
        "{slug}": None,
    }


def url_for(path: str, ids: dict) -> str:
    for template, value in ids.items():
        if path.startswith(template.split("{")[0]) and "{id}" in path:
            return path.replace("{id}", str(value))
    slugs = {"frameworks": "django", "criteria": "orm", "questions": "experience"}
    for collection, slug in slugs.items():
        path = path.replace(f"/api/{collection}/{{slug}}/", f"/api/{collection}/{slug}/")
    return path


def send(client, method: str, url: str, body) -> object:
    if method == "GET":  # the values as query parameters, surrogates as the bytes they would be
        params = body if isinstance(body, dict) else {"search": body}
        query = urlencode(
            [
                (_bytes(key), _bytes(value if isinstance(value, str) else json.dumps(value)))
                for key, value in params.items()
            ]
        )
        return client.get(f"{url}?{query}")
    # \ud800 escapes, as a client's JSON encoder writes them.
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def never_a_500(client, method: str, url: str, fields: list[str]) -> None:
    @PROPERTY
    @given(body=bodies(fields))
    def anything(body):
        response = send(client, method, url, body)
        assert response.status_code < 500, (method, url, body, response.status_code)
        if response.status_code >= 400:
            assert response.content, (method, url, body)

    anything()


@pytest.mark.parametrize("who", ["anonymous", "reviewer"])
def test_every_operation_answers_bad_json_with_a_4xx_not_a_500(who, ids, reviewer, api):
    client = api if who == "anonymous" else token_client(reviewer)
    client.raise_request_exception = False
    checked = operations()
    assert len(checked) > 20
    for method, path, fields in checked:
        never_a_500(client, method, url_for(path, ids), fields)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"\ud800": "x"}}, "answers"),
        ({"answers": {"project": "\ud800"}}, "answers"),
        ({"weights": {"\ud800": 1}}, "weights"),
        ({"frameworks": ["fla\udc00sk"]}, "frameworks"),
    ],
)
def test_a_lone_surrogate_in_a_recommendation_is_a_400_naming_the_field(api, body, field):
    response = api.generic("POST", "/api/recommendations/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("field", ["framework", "kind", "statement"])
def test_a_lone_surrogate_in_an_editors_write_is_a_400_naming_the_field(editor_api, field):
    claim = Claim.objects.published().first()
    body = {
        "framework": "django",
        "criterion": "orm",
        "source": claim.source_id,
        "statement": "S.",
        "rating": 3,
    }
    for url in ("/api/claims/", "/api/sources/"):
        response = editor_api.generic("POST", url, json.dumps({**body, field: "\ud800"}), "application/json")
        assert response.status_code == 400 and field in response.json()


def test_a_lone_surrogate_in_a_key_is_named_escaped(api):
    response = api.generic("POST", "/api/recommendations/", '{"\\ud800": 1}', content_type="application/json")
    assert response.status_code == 400 and "\\ud800" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        {"source": "9223372036854775808"},
        {"source": "-9223372036854775809"},
        {"rating_min": "9223372036854775808"},
        {"rating_max": "1e400"},
    ],
)
def test_number_filters_beyond_the_database_s_range_are_a_400(api, query):
    response = api.get("/api/claims/", query)
    name = next(iter(query)).removesuffix("_min").removesuffix("_max")
    assert response.status_code == 400 and name in response.json()


def test_criterion_weight_filters_beyond_the_range_are_a_400(api):
    response = api.get(reverse("criterion-list"), {"default_weight_max": str(2**63)})
    assert response.status_code == 400 and "default_weight" in response.json()
    assert api.get("/api/claims/", {"source": "1", "rating_min": "1"}).status_code == 200


def test_errors_raised_before_any_view_are_json_under_the_api(api, client):
    too_long = api.get("/api/claims/", {"search": "x" * 5000})
    assert too_long.status_code == 414 and "longer than" in too_long.json()["detail"]
    assert api.get("/api/no-such-thing/").json()["detail"]
    assert api.get("/api/claims/?search=a%00b").json()["detail"]
    assert client.get("/compare/", {"frameworks": "x" * 5000}).status_code == 414
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]
