"""Whole pages kept in the cache, keyed by everything they depend on; never invalidated.

A key holds the version of the data the page was rendered from (a DataVersion's token, e.g.
`frameworks.evidence.evidence_version`), so an edit makes new keys and old entries age out.

`cached_page` renders the template itself, with a slot where the CSRF token goes, and each response
gets its visitor's own token: a page without a form sets no cookie. A view cannot put a real token
into the cached bytes: the context it builds never reaches `{% csrf_token %}`, and a build or a
render that reads the visitor's token (get_token, the CSRF cookie) is refused with an error.
"""

import hashlib
from collections.abc import Callable, Collection

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import loader

from . import hot_cache
from .data_versions import cache_key

# Long enough to serve a burst of visits; short enough that a deploy's new templates show soon.
PAGE_SECONDS = 3600

# Longer links (pre-filled answers, framework lists) are far shorter: such pages are not kept.
LONGEST_CACHED_PATH = 500

# Stands in for the CSRF token in cached HTML; letters and digits only, so escaping leaves it whole.
CSRF_SLOT = "csrftokenslot5f0c2a9e"
_CSRF_SLOT_BYTES = CSRF_SLOT.encode()

# Django's CsrfViewMiddleware keeps the visitor's secret here, and get_token raises the flag.
_SECRET, _TOKEN_READ = "CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE"


def cached_page(
    request: HttpRequest,
    version: str,
    template_name: str,
    build_context: Callable[[], dict],
    kept_queries: Collection[str] = ("",),
) -> HttpResponse:
    """This URL's page of `template_name` as rendered from the data at `version`: from the cache,
    or rendered from `build_context()` with CSRF_SLOT as its token, and kept when its query string
    is one of `kept_queries`.

    Only those: a page is kept under the few spellings of the parameters it reads, never under
    whatever else a query string holds (?x=1, ?x=2, ... would each keep a copy for an hour). Any
    other query string gets the page rendered afresh. The scheme and host count, as pages link to
    themselves. A page that cannot be shown raises (Http404) from `build_context`."""
    path = request.get_full_path()
    if request.META.get("QUERY_STRING", "") not in kept_queries or len(path) > LONGEST_CACHED_PATH:
        return HttpResponse(with_csrf_token(render_with_slot(request, template_name, build_context), request))
    # Hashed: a query string may hold anything, and cache keys must stay short and plain.
    address = hashlib.sha256(f"{request.scheme}://{request.get_host()}{path}".encode()).hexdigest()[:32]
    key = cache_key("page", template_name, version, address)
    content = hot_cache.get_or_build(
        key, lambda: render_with_slot(request, template_name, build_context), PAGE_SECONDS
    )
    return HttpResponse(with_csrf_token(content, request))


def render_with_slot(request: HttpRequest, template_name: str, build_context: Callable[[], dict]) -> bytes:
    """The page with CSRF_SLOT for its token, fit to show anyone; ImproperlyConfigured if building
    or rendering it read this visitor's own token."""
    token_read = request.META.pop(_TOKEN_READ, False)
    try:
        context = {**build_context(), "csrf_token": CSRF_SLOT}
        content = loader.render_to_string(template_name, context, request).encode()
        secret = request.META.get(_SECRET, "")
        if request.META.get(_TOKEN_READ) or (secret and secret.encode() in content):
            raise ImproperlyConfigured(
                f"{template_name} read the visitor's CSRF token while rendering a page for everyone; "
                "the page cache puts each visitor's token in the slot itself."
            )
    finally:
        if token_read:
            request.META[_TOKEN_READ] = True
    return content


def with_csrf_token(content: bytes, request: HttpRequest) -> bytes:
    if _CSRF_SLOT_BYTES not in content:
        return content
    return content.replace(_CSRF_SLOT_BYTES, get_token(request).encode())
