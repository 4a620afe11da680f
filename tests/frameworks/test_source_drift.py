"""check_source_drift against a real HTTP server on 127.0.0.1: statuses, missing quotes with their
nearest passage, failures reported per source, --json, --fail-on-drift, and nothing written."""

import hashlib
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from frameworks.models import Claim, Source, SourceText
from frameworks.page_text import USER_AGENT, html_text
from tests.factories import ClaimFactory, SourceFactory, SourceTextFactory

pytestmark = pytest.mark.django_db

STORED = (
    "Flask is a lightweight WSGI web application framework. It is designed to make getting "
    "started quick and easy. It began as a simple wrapper around Werkzeug and Jinja."
)
KEPT = "It is designed to make getting started quick and easy."
GONE = "It began as a simple wrapper around Werkzeug and Jinja."
GONE_TOO = "Flask is a lightweight WSGI web application framework."
CHANGED = (
    "Flask is a small WSGI web application framework. It is designed to make getting\nstarted "
    "quick and easy. It started as a thin wrapper around Werkzeug and Jinja, and grew."
)
HTML = (
    "<!doctype html><html><head><title>Quickstart</title><style>p { color: red }</style>"
    "<script>var hidden = 'It began as a simple wrapper';</script></head><body>"
    '<h1>Quickstart<a class="headerlink" href="#quickstart">\u00b6</a></h1>'
    "<p>It is <em>designed</em> to make getting started\n   quick and easy.</p><p>Next</p></body></html>"
)
LATIN1 = "Caf\u00e9 culture: It is designed to make getting started quick and easy."
SLOW_SECONDS = 5  # far longer than the tests' --timeout; the server lets go when the test ends
TIMEOUT = "0.5"

# path: (status, content type, body)
PAGES = {
    "/same": (200, "text/plain; charset=utf-8", STORED.encode()),
    "/changed": (200, "text/markdown", CHANGED.encode()),
    "/page.html": (200, "text/html; charset=utf-8", HTML.encode()),
    "/latin1": (200, "text/plain", LATIN1.encode("latin-1")),
    "/latin1-declared": (200, "text/plain; charset=ISO-8859-1", LATIN1.encode("latin-1")),
    "/logo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
}


@pytest.fixture
def site():
    """A ThreadingHTTPServer on a free port of 127.0.0.1 serving PAGES, a 404, a redirect and a page
    that answers only after SLOW_SECONDS; `site.requests` records each request's path and User-Agent."""
    released = threading.Event()
    requests: list[tuple[str, str]] = []

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append((self.path, self.headers.get("User-Agent", "")))
            if self.path == "/slow":
                if released.wait(SLOW_SECONDS):
                    return  # the test is over, and the client long gone
                self._answer(200, "text/plain", STORED.encode())
            elif self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/same")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path in PAGES:
                self._answer(*PAGES[self.path])
            else:
                self._answer(404, "text/html", b"<p>Not here.</p>")

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield type("Site", (), {"url": f"http://127.0.0.1:{server.server_port}", "requests": requests})
    finally:
        released.set()
        server.shutdown()
        server.server_close()
        thread.join()


def stored_source(slug: str, url: str, text: str = STORED) -> Source:
    return SourceTextFactory(source=SourceFactory(slug=slug, url=url), text=text).source


def claim(source: Source, quote: str, status=Claim.Status.PUBLISHED, **fields) -> Claim:
    fields.setdefault("quote_unchecked_reason", "")
    return ClaimFactory(source=source, quote=quote, status=status, **fields)


@pytest.fixture
def sources(site):
    """Sources named so that the failures come first in the report (it goes by slug)."""
    base = site.url
    slow = stored_source("a-slow", f"{base}/slow")
    missing = stored_source("b-missing", f"{base}/missing")
    same = stored_source("c-same", f"{base}/same")
    changed = stored_source("d-changed", f"{base}/changed")
    html = SourceFactory(slug="e-html", url=f"{base}/page.html")
    undecodable = stored_source("f-latin1", f"{base}/latin1")
    declared = stored_source("g-latin1-declared", f"{base}/latin1-declared", text=LATIN1)
    image = stored_source("h-image", f"{base}/logo.png")
    moved = stored_source("i-moved", f"{base}/moved")
    SourceFactory(slug="j-no-url", url="")
    return {
        "slow": claim(slow, KEPT),
        "missing": claim(missing, KEPT),
        "same": claim(same, GONE),
        "kept": claim(changed, KEPT),
        "gone": claim(changed, GONE),
        "gone_draft": claim(changed, GONE_TOO, status=Claim.Status.DRAFT),
        "gone_retired": claim(changed, GONE_TOO, status=Claim.Status.RETIRED),
        "html": ClaimFactory(source=html, quote="Quickstart It is designed to make getting started"),
        "undecodable": claim(undecodable, KEPT),
        "declared": claim(declared, "Caf\u00e9 culture"),
        "image": claim(image, KEPT),
        "moved": claim(moved, GONE),
    }


def retire(claim: Claim) -> None:
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.RETIRED, retired_reason="Its quote is gone.")


def drift(*args: str) -> str:
    out = io.StringIO()
    call_command("check_source_drift", "--timeout", TIMEOUT, *args, stdout=out)
    return out.getvalue()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def line_of(output: str, slug: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{slug} ("))


def test_the_report_says_what_changed_and_which_quotes_are_gone(site, sources):
    output = drift()
    base = site.url

    assert (
        line_of(output, "a-slow")
        == f"a-slow ({base}/slow): unreachable: timed out after 0.5 s (1 quote not checked)"
    )
    assert line_of(output, "b-missing") == (
        f"b-missing ({base}/missing): unreachable: HTTP 404 Not Found (1 quote not checked)"
    )
    assert line_of(output, "c-same") == (
        f"c-same ({base}/same): same text as stored (sha256 {sha256(STORED)}); 1 quote found"
    )
    assert line_of(output, "d-changed") == (
        f"d-changed ({base}/changed): changed (stored sha256 {sha256(STORED)}, now {sha256(CHANGED)}); "
        "2 of 3 quotes not found"
    )
    gone, draft = sources["gone"], sources["gone_draft"]
    changed_part = output.split(line_of(output, "d-changed"))[1].split("e-html (")[0]
    assert changed_part.splitlines()[1:] == [
        f"  - claim {gone.pk}, published, {gone.framework.name} / {gone.criterion.name}: "
        f"\u201c{GONE}\u201d not found",
        "    nearest passage: \u201cIt started as a thin wrapper around Werkzeug and Jinja,\u201d",
        f"  - claim {draft.pk}, draft, {draft.framework.name} / {draft.criterion.name}: "
        f"\u201c{GONE_TOO}\u201d not found",
        "    nearest passage: \u201cFlask is a small WSGI web application framework.\u201d",
    ]
    for kept in ("kept", "gone_retired", "same", "html", "declared", "moved"):
        assert f"claim {sources[kept].pk}," not in output
    assert line_of(output, "e-html").endswith(
        "no stored text to compare (now sha256 "
        + sha256("Quickstart\nIt is designed to make getting started\nquick and easy.\nNext")
        + "); 1 quote found"
    )
    assert line_of(output, "f-latin1").endswith(
        "unreachable: not valid utf-8 text: the byte at position 3 cannot be decoded (1 quote not checked)"
    )
    assert line_of(output, "g-latin1-declared").endswith(
        f"same text as stored (sha256 {sha256(LATIN1)}); 1 quote found"
    )
    assert line_of(output, "h-image").endswith(
        "unreachable: not text: the page is image/png (1 quote not checked)"
    )
    assert line_of(output, "i-moved").endswith(
        f"same text as stored (sha256 {sha256(STORED)}); 1 quote found"
    )
    assert "j-no-url" not in output
    assert output.splitlines()[-1] == (
        "9 sources checked: 3 same, 1 changed, 1 with no stored text, 4 unreachable; "
        "2 quotes not found (1 of published claims)."
    )
    assert {agent for _, agent in site.requests} == {USER_AGENT}
    assert "/same" in [path for path, _ in site.requests]  # where /moved led


def test_json_has_one_object_per_source(site, sources):
    reports = {report["slug"]: report for report in json.loads(drift("--json"))}
    assert {slug: report["status"] for slug, report in reports.items()} == {
        "a-slow": "unreachable",
        "b-missing": "unreachable",
        "c-same": "same",
        "d-changed": "changed",
        "e-html": "no-stored-text",
        "f-latin1": "unreachable",
        "g-latin1-declared": "same",
        "h-image": "unreachable",
        "i-moved": "same",
    }
    assert reports["a-slow"]["error"] == "timed out after 0.5 s"
    assert reports["b-missing"]["error"] == "HTTP 404 Not Found"
    assert reports["c-same"]["error"] == ""
    changed = reports["d-changed"]
    assert changed["url"] == f"{site.url}/changed"
    assert (changed["stored_sha256"], changed["current_sha256"]) == (sha256(STORED), sha256(CHANGED))
    # Published first; the retired claim's quote is gone too, but it is nobody's evidence.
    assert [(c["id"], c["status"]) for c in changed["missing_claims"]] == [
        (sources["gone"].pk, "published"),
        (sources["gone_draft"].pk, "draft"),
    ]
    assert changed["missing_claims"][0] == {
        "id": sources["gone"].pk,
        "status": "published",
        "framework": sources["gone"].framework.name,
        "criterion": sources["gone"].criterion.name,
        "quote": GONE,
        "nearest_passage": "It started as a thin wrapper around Werkzeug and Jinja,",
    }
    assert reports["e-html"]["stored_sha256"] == "" and reports["e-html"]["missing_claims"] == []


def test_fail_on_drift_exits_1_only_for_a_missing_published_quote(site, sources):
    with pytest.raises(
        CommandError, match=rf"1 published claim\(s\) .*: claim {sources['gone'].pk}\."
    ) as failed:
        drift("--fail-on-drift", "--source", "d-changed", "--source", "c-same")
    assert failed.value.returncode == 1
    drift("--source", "d-changed")  # without the option, drift is reported, not failed

    retire(sources["gone"])  # only the draft's quote is gone now
    drift("--fail-on-drift", "--source", "d-changed", "--source", "c-same")
    drift("--fail-on-drift", "--source", "a-slow", "--source", "b-missing")  # unreachable is not drift


def test_source_limits_the_check_and_an_unknown_slug_stops_it_before_any_request(site, sources):
    output = drift("--source", "c-same")
    assert [path for path, _ in site.requests] == ["/same"]
    assert output.splitlines()[-1].startswith("1 source checked: 1 same,")

    with pytest.raises(CommandError, match=r"No source with a URL has the slug\(s\): j-no-url, nowhere\."):
        drift("--source", "c-same", "--source", "nowhere", "--source", "j-no-url")
    assert len(site.requests) == 1


def test_the_check_changes_nothing(site, sources):
    def snapshot():
        return (
            list(SourceText.objects.order_by("pk").values()),
            list(Claim.everything.order_by("pk").values()),
            Claim.history.count(),
            list(Source.everything.order_by("pk").values()),
        )

    before = snapshot()
    drift()
    drift("--json")
    assert snapshot() == before


def test_a_timeout_of_zero_is_refused():
    with pytest.raises(CommandError, match="--timeout must be more than 0"):
        call_command("check_source_drift", "--timeout", "0", stdout=io.StringIO())


def test_html_becomes_its_visible_text():
    assert html_text(HTML) == "Quickstart\nIt is designed to make getting started\nquick and easy.\nNext"
    assert html_text("<head><title>T</title><body><p>A &amp; B</p>") == "A & B"
