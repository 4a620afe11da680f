"""The OpenAPI document: valid, documented from local assets, and every operation fuzzed against it."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from compare_site.wsgi import application
from infrastructure.api_support import AnonymousPostThrottle


def test_the_schema_is_a_valid_openapi_3_document(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate_schema(document)  # against the OpenAPI 3 JSON Schema that drf-spectacular ships
    assert {"/api/claims/", "/api/recommendations/", "/api/matrix/"} <= set(document["paths"])


ERRORS_OF_ALL = {"400", "401", "404", "414", "503"}


@pytest.mark.parametrize(
    ("path", "method", "errors"),
    [
        ("/api/claims/", "get", ERRORS_OF_ALL),
        ("/api/claims/", "post", ERRORS_OF_ALL | {"403", "413", "415"}),
        ("/api/claims/{id}/", "patch", ERRORS_OF_ALL | {"403", "409", "413", "415"}),
        ("/api/claims/{id}/publish/", "post", ERRORS_OF_ALL | {"403", "409"}),
        ("/api/claims/{id}/retire/", "post", ERRORS_OF_ALL | {"403", "409", "413", "415"}),
        ("/api/sources/{id}/", "put", ERRORS_OF_ALL | {"403", "409", "413", "415"}),
        ("/api/source-changes/", "get", ERRORS_OF_ALL | {"403"}),
        ("/api/recommendations/", "post", ERRORS_OF_ALL | {"403", "413", "415", "429"}),
        ("/api/matrix/", "get", ERRORS_OF_ALL),
    ],
)
def test_the_schema_lists_the_errors_each_operation_gives(client, path, method, errors):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    responses = document["paths"][path][method]["responses"]
    assert {code for code in responses if code >= "400"} == errors
    assert responses["400"]["content"]["application/json"]["schema"]
    if "429" in errors:
        assert "Retry-After" in responses["429"]["headers"]


def test_the_schema_says_retiring_a_claim_takes_a_reason(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = document["paths"]["/api/claims/{id}/retire/"]["post"]["requestBody"]
    assert body["required"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    request = document["components"]["schemas"][name]
    assert request["required"] == ["reason"] and request["properties"]["reason"]["minLength"] == 1


def test_api_docs_load_their_assets_locally_not_from_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


@pytest.fixture
def api_schema(seeded, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    monkeypatch.setattr(AnonymousPostThrottle, "rate", "100000/minute", raising=False)
    # As Django's test client does: the app runs inside the test's transaction, whose connection
    # the end-of-request handler would otherwise close.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


# Every answer, errors included, must be one the document lists, in its content type and shape.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_every_operation_fuzzed_anonymously_answers_within_its_schema(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_every_operation_fuzzed_by_a_reviewer_answers_within_its_schema(case, reviewer):
    token, _ = Token.objects.get_or_create(user=reviewer)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
