"""Bad input on every public form and page gets a 4xx with a message, never a 500: arbitrary
fields and values (hypothesis), NUL bytes, invalid UTF-8, oversized and injection strings.

The test client re-raises any exception a view lets escape, so a 500 fails these tests loudly.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infrastructure.middleware import NOT_UTF8
from tests.pages import public_forms

pytestmark = pytest.mark.usefixtures("seeded")

INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE frameworks_claim; --",
    "<script>alert(1)</script>",
    "{{ settings.SECRET_KEY }}",
    "../../etc/passwd",
    "\x00",
    "%00",
    "\ufeff\u202e",
    "9" * 400,
    "-1",
    "1e309",
]
# Text as browsers send it: any Unicode that UTF-8 can carry (no lone surrogates).
TEXT = st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=300), st.sampled_from(INJECTIONS))
REAL_FIELDS = [
    "experience",
    "project",
    "admin",
    "priority",
    "message",
    "orm",
    "frameworks",
    "sort",
    "weight-orm",
]
FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(REAL_FIELDS), TEXT), st.lists(TEXT, max_size=3), max_size=6
)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def never_a_500(send) -> None:
    """`send(fields)` answers any fields with a 2xx/3xx, or a 4xx that says what is wrong."""

    @PROPERTY
    @given(fields=FIELDS)
    def send_anything(fields):
        response = send(fields)
        assert response.status_code < 400 or (400 <= response.status_code < 500 and response.content), (
            response.status_code,
            fields,
        )

    send_anything()


@pytest.mark.parametrize(
    "target", ["questionnaire", "preview", "weights", "weights-preview", "rerun", "widen", "report"]
)
def test_forms_answer_any_posted_fields_with_a_page_not_a_500(target):
    url = public_forms()[target]
    never_a_500(lambda fields: Client().post(url, fields))


@pytest.mark.parametrize("path", ["/questionnaire/", "/compare/", "/criteria/", "/changes/", "/api/claims/"])
def test_query_strings_of_anything_get_a_page_not_a_500(path):
    never_a_500(lambda fields: Client().get(path, fields))


@pytest.mark.parametrize(
    "url",
    [
        "/questionnaire/?experience=%FF%FE",
        "/compare/?frameworks=%C3%28,django",
        "/api/claims/?search=%ED%A0%80",  # an encoded surrogate
    ],
)
def test_query_strings_that_are_not_utf8_get_400_saying_so(client, url):
    response = client.get(url)
    said = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
    assert response.status_code == 400 and said == NOT_UTF8


def test_a_raw_byte_in_a_query_string_gets_400(client):
    response = client.get("/questionnaire/", QUERY_STRING="experience=\xff")  # as WSGI passes it
    assert response.status_code == 400 and response.content.decode() == NOT_UTF8


@pytest.mark.parametrize("url", ["/frameworks/%FF/", "/claims/%C0%AF/", "/api/frameworks/%FF%FF/"])
def test_paths_that_are_not_utf8_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("target", "body", "says"),
    [
        ("questionnaire", b"experience=%FF%FE&project=%C3%28", NOT_UTF8),
        ("report", b"message=%FF%FE", NOT_UTF8),
        ("report", b"message=\xff\xfe", NOT_UTF8),  # raw bytes, not even percent-encoded
        ("report", b"message=a%00b", "Null characters are not allowed"),  # the form says so
    ],
)
def test_form_bodies_that_are_not_utf8_or_hold_nul_get_400_saying_so(target, body, says):
    response = Client().post(public_forms()[target], body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and says in response.content.decode()


def test_a_nul_in_a_report_is_refused_with_a_message():
    response = Client().post(public_forms()["report"], {"message": "Wrong\x00quote."})
    assert response.status_code == 400 and "Null characters are not allowed" in response.content.decode()


def test_an_oversized_form_body_is_refused_with_400(client, settings):
    response = client.post(
        public_forms()["report"], {"message": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    assert response.status_code == 400


def test_too_many_fields_are_refused_with_400(client, settings):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert client.post("/questionnaire/", fields).status_code == 400
    # In a query string, so many fields make an address too long (as gunicorn also says) before they count.
    assert client.get("/compare/", fields).status_code == 414
    assert client.get("/compare/", QUERY_STRING="&".join(["a"] * 1001)).status_code == 400


@pytest.mark.parametrize("target", ["questionnaire", "report", "weights"])
def test_multipart_form_bodies_that_are_not_utf8_get_400_and_store_nothing(target):
    from frameworks.models import ProblemReport
    from recommender.models import Verdict

    boundary = "BoUnDaRy"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n'.encode()
    body = part + b"Wrong \xff\xfe quote.\r\n" + f"--{boundary}--\r\n".encode()
    before = (Verdict.objects.count(), ProblemReport.objects.count())
    response = Client().post(
        public_forms()[target], body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400 and response.content.decode() == NOT_UTF8
    assert (Verdict.objects.count() - 1, ProblemReport.objects.count()) == before  # public_forms() made one


def test_multipart_form_bodies_in_utf8_are_read_as_usual():
    from frameworks.models import ProblemReport

    response = Client().post(public_forms()["report"], {"message": "Zitat unvollständig."})  # multipart
    assert response.status_code == 302
    assert ProblemReport.objects.get().message == "Zitat unvollständig."
