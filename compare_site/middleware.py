from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest

NUL_REFUSED = "NUL characters are not allowed in addresses or query strings."
NOT_UTF8 = "The query string or form data is not valid UTF-8."


def refuse_malformed_input(get_response):
    """Refuse with 400 what would otherwise fail deep inside: NUL characters (PostgreSQL cannot
    store or compare text holding them) and query strings or form bodies that are not UTF-8
    (Django would quietly turn them into replacement characters and store those)."""

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return _bad_request(NUL_REFUSED)
        if not _is_utf8_form_encoded(query.encode("latin-1", "replace")):
            return _bad_request(NOT_UTF8)
        if request.content_type == "application/x-www-form-urlencoded" and not _is_utf8_form_encoded(
            request.body
        ):
            return _bad_request(NOT_UTF8)
        return get_response(request)

    return middleware


def _is_utf8_form_encoded(raw: bytes) -> bool:
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
