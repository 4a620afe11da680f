import logging
from urllib.parse import unquote_to_bytes

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from . import version_listener

logger = logging.getLogger(__name__)

NUL_REFUSED = "NUL characters are not allowed in addresses or query strings."
NOT_UTF8 = "The query string or form data is not valid UTF-8."
# gunicorn refuses a request line over 4094 bytes with 414; the app itself refuses the same.
MAX_URL_BYTES = 4000
URL_TOO_LONG = f"The address is longer than {MAX_URL_BYTES} characters."

# When a client may try again after the database failed to answer: a restart or failover takes seconds.
DATABASE_RETRY_AFTER_SECONDS = 10
DATABASE_UNAVAILABLE = "The database is not answering at the moment. Please try again in a few seconds."


def answer_probes(get_response):
    """/healthz and /readyz answer whatever the Host header says: load balancers probe app servers
    by address, which ALLOWED_HOSTS does not list. They run before the host check
    (CommonMiddleware) and show nothing of the site."""
    from . import health

    probes = {"/healthz": health.healthz, "/readyz": health.readyz}

    def middleware(request):
        probe = probes.get(request.path_info)
        return probe(request) if probe is not None else get_response(request)

    return middleware


def refuse_malformed_input(get_response):
    """Refuse with 400 what would otherwise fail deep inside: NUL characters (PostgreSQL cannot
    store or compare text holding them) and query strings or form bodies that are not UTF-8
    (Django would quietly turn them into replacement characters and store those)."""

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if len(request.path) + len(query) > MAX_URL_BYTES:
            return refusal(request, URL_TOO_LONG, status=414)
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return refusal(request, NUL_REFUSED)
        if not _is_utf8_form_encoded(query.encode("latin-1", "replace")):
            return refusal(request, NOT_UTF8)
        if request.content_type == "application/x-www-form-urlencoded" and not _is_utf8_form_encoded(
            request.body
        ):
            return refusal(request, NOT_UTF8)
        if request.content_type == "multipart/form-data" and _has_undecodable_field(request):
            return refusal(request, NOT_UTF8)
        return get_response(request)

    return middleware


def _has_undecodable_field(request) -> bool:
    """Whether a multipart form's text fields were not UTF-8: Django decodes them replacing what it
    cannot read with U+FFFD. Files are left as sent (bytes) for their forms to check: a source's
    text may be uploaded, and reading the raw body instead would hold a whole upload in memory."""
    return any("\ufffd" in value for _, values in request.POST.lists() for value in values)


def _is_utf8_form_encoded(raw: bytes) -> bool:
    return _is_utf8(unquote_to_bytes(raw))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refusal(request, message: str, status: int = 400) -> HttpResponse:
    """A short refusal: JSON under /api/, as every API answer is; plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def data_versions_from_memory(get_response):
    """A request takes the data versions from this process's memory until it writes; one that
    changes the data waits until the process knows (version_listener.py)."""

    def middleware(request):
        with version_listener.serving_request():
            return get_response(request)

    return middleware


class DatabaseUnavailable:
    """A view that cannot reach the database answers 503 with Retry-After, not a 500 traceback.

    The connection that failed is closed by Django when the request ends, so the next request
    connects afresh, and the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Only a database that does not answer: a query's own error (a missing table, a deadlock,
        # SQLite's lock) is a fault to see as one, in the debug page or the 500 log.
        if not isinstance(exception, (OperationalError, InterfaceError)) or connection.is_usable():
            return None
        logger.error("database unavailable for %s %s", request.method, request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
        else:
            # Rendered without the request, as Django's own 500 page is: context processors may
            # need the database (the user, the session), which is what just failed.
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
