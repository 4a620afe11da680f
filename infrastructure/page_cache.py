"""Whole pages kept in the cache, keyed by everything they depend on; never invalidated.

A key holds the version of the data the page was rendered from (one primary-key lookup of the
table versions, e.g. `frameworks.evidence.evidence_key`), so an edit makes new keys and old entries age
out. Pages render once with a slot where the CSRF token goes, and each response gets its visitor's
own token: a page without a form sets no cookie.
"""

import hashlib
from collections.abc import Callable, Collection

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

# Long enough to serve a burst of visits; short enough that a deploy's new templates show soon.
PAGE_SECONDS = 3600

# Longer links (pre-filled answers, framework lists) are far shorter: such pages are not kept.
LONGEST_CACHED_PATH = 500

# Stands in for the CSRF token in cached HTML; letters and digits only, so escaping leaves it whole.
CSRF_SLOT = "csrftokenslot5f0c2a9e"
_CSRF_SLOT_BYTES = CSRF_SLOT.encode()


def cached_page(
    request: HttpRequest,
    state: str,
    render: Callable[[], HttpResponse],
    kept_queries: Collection[str] = ("",),
) -> HttpResponse:
    """This URL's page as rendered from the data in `state`: from the cache, or `render()` (given
    CSRF_SLOT as its token), kept when it is a 200 whose query string is one of `kept_queries`.

    Only those: a page is kept under the few spellings of the parameters it reads, never under
    whatever else a query string holds (?x=1, ?x=2, ... would each keep a copy for an hour). Any
    other query string gets the page rendered afresh. The scheme and host count, as pages link to
    themselves."""
    path = request.get_full_path()
    if request.META.get("QUERY_STRING", "") not in kept_queries or len(path) > LONGEST_CACHED_PATH:
        return _uncached(request, render())
    # Hashed: a query string may hold anything, and cache keys must stay short and plain.
    address = hashlib.sha256(f"{request.scheme}://{request.get_host()}{path}".encode()).hexdigest()[:32]
    key = f"page:{state}:{address}"
    entry = cache.get(key)
    if entry is None:
        response = render()
        if response.status_code != 200:
            return _uncached(request, response)
        entry = (response.content, response["Content-Type"])
        cache.set(key, entry, PAGE_SECONDS)
    content, content_type = entry
    return HttpResponse(with_csrf_token(content, request), content_type=content_type)


def _uncached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    response.content = with_csrf_token(response.content, request)
    return response


def with_csrf_token(content: bytes, request: HttpRequest) -> bytes:
    if _CSRF_SLOT_BYTES not in content:
        return content
    return content.replace(_CSRF_SLOT_BYTES, get_token(request).encode())
