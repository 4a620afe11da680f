"""Production settings are secure by default: `check --deploy` is clean, and real responses carry
the security headers and secure cookies."""

import json
import os
import re
import string
import subprocess
import sys

import pytest
from django.conf import settings as project_settings
from django.test import Client

from tests.compare_site.test_settings import SET_BY_TESTS, load_settings
from tests.pages import public_forms

# What a production deployment sets (README, "Deployment"): everything else is the default.
PRODUCTION = {"SECRET_KEY": string.ascii_letters + string.digits, "ALLOWED_HOSTS": "chooser.example.org"}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
]


def test_check_deploy_reports_nothing_with_production_settings():
    clean = {k: v for k, v in os.environ.items() if k not in SET_BY_TESTS}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **PRODUCTION},
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


@pytest.fixture
def production_security(settings):
    """The security settings exactly as production computes them, applied to this test run."""
    expression = (
        f"__import__('json').dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}})"
    )
    result = load_settings(expression, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    for name, value in values.items():
        setattr(settings, name, value)
    return values


def test_plain_http_is_redirected_to_https(client, production_security):
    response = client.get("/questionnaire/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/questionnaire/"


PAGES = ["/", "/questionnaire/", "/compare/?frameworks=flask,django", "/api/claims/", "/api/docs/", "/no/"]


@pytest.mark.usefixtures("seeded", "production_security")
@pytest.mark.parametrize("path", [*PAGES, "/admin/login/"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path, secure=True)
    assert response.status_code in {200, 404}
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert {"camera=()", "geolocation=()"} <= set(response["Permissions-Policy"].split(", "))
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.usefixtures("seeded", "production_security")
def test_site_pages_hold_no_inline_script_or_style(client):
    for path in PAGES:
        page = client.get(path, secure=True).content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        # Only data blocks (JSON-LD, json_script) may have a body; programs come from files.
        assert all(
            "src=" in attributes or ("application/" in attributes and "javascript" not in attributes)
            for attributes, _ in scripts
        ), path
        assert "<style" not in page and " style=" not in page, path


@pytest.mark.usefixtures("seeded", "production_security")
def test_cookies_are_secure_and_hidden_from_scripts(client, admin_user):
    form_page = client.get("/questionnaire/", secure=True)
    csrf = form_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    logged_in = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "password"}, secure=True
    )
    assert logged_in.status_code == 302
    session = logged_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("path", ["/", "/compare/?frameworks=flask,django", "/frameworks/", "/api/claims/"])
def test_anonymous_pages_without_a_form_set_no_cookie(path):
    assert Client().get(path).cookies == {}


@pytest.mark.django_db
def test_health_probes_answer_over_plain_http(client, production_security):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "form", ["questionnaire", "preview", "weights", "weights-preview", "rerun", "widen", "report"]
)
def test_every_public_form_needs_its_csrf_token(form):
    response = Client(enforce_csrf_checks=True).post(public_forms()[form], {"message": "Wrong."})
    assert response.status_code == 403 and "missing its security token" in response.content.decode()
