"""Conditional API reads: ETag and Last-Modified on every GET, 304 when the client's copy is current.

A response depends on the data (one primary-key lookup of the table versions says how far it
has come), on the request (path, query, format) and on who asks (editors see drafts). The date
counts too: the `stale` flags move at midnight without any edit. The check runs before the
view, so a 304 costs that one query and nothing else; an anonymous 200 is kept under its ETag
and served again from the cache until the data moves on.
"""

import functools
import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition

from . import hot_cache
from .data_versions import DataVersion, cache_key, daily_version, tables_version
from .page_cache import PAGE_SECONDS
from .visibility import visibility_label

# Request headers a response can differ by: the format asked for and the credentials.
VARIES_BY = ["Accept", "Authorization", "Cookie"]


def request_fingerprint(request, *parts: str) -> str:
    """A strong ETag for this request's representation of the state named by `parts`. The scheme
    and host count: answers link to themselves (next, previous, url) at the address asked."""
    who = [request.headers.get(header, "") for header in VARIES_BY]
    where = [request.scheme, request.get_host(), request.get_full_path()]
    digest = hashlib.sha256("\n".join([*parts, *where, *who]).encode()).hexdigest()
    return f'"{digest[:32]}"'


class ConditionalReadMixin:
    """For DRF views whose answers depend on the evidence and the questionnaire."""

    def read_version(self, request, **kwargs) -> DataVersion | None:
        """The version of what the response depends on; None leaves the request alone."""
        # Every watched table: an answer can show any of the evidence and the questionnaire, and
        # reading them all keeps this layer from knowing which app owns which.
        return daily_version(tables_version(), timezone.localdate(), visibility_label())

    def dispatch(self, request, *args, **kwargs):
        version = self.read_version(request, **kwargs) if request.method in ("GET", "HEAD") else None
        if version is None:
            return super().dispatch(request, *args, **kwargs)
        etag, last_modified = request_fingerprint(request, version.token), version.changed_at
        conditional = condition(
            etag_func=lambda *a, **k: etag, last_modified_func=lambda *a, **k: last_modified
        )
        response = conditional(self._cached_dispatch)(request, etag, *args, **kwargs)
        patch_vary_headers(response, VARIES_BY)
        return response

    def _cached_dispatch(self, request, etag, *args, **kwargs):
        """Anonymous answers are kept under their ETag, which names everything they depend on;
        only for query strings made of parameters the endpoint reads, each given once, so that
        ?x=1, ?x=2, ... do not each keep a copy for an hour."""
        if (
            request.headers.get("Authorization")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or not set(request.GET) <= parameters_read(type(self))
            or any(len(values) > 1 for _, values in request.GET.lists())
        ):
            return super().dispatch(request, *args, **kwargs)
        key = cache_key("api-response", etag)
        kept = hot_cache.read(key, PAGE_SECONDS)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = super().dispatch(request, *args, **kwargs)
        # JSON only: the browsable API's HTML carries this visitor's CSRF token.
        renderer = getattr(response, "accepted_renderer", None)
        if response.status_code == 200 and getattr(renderer, "format", "") == "json":
            response.render()
            hot_cache.keep(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        return response


# What every endpoint may read: the format, the page and, where it has them, search and ordering.
COMMON_PARAMETERS = {"format", "page", "page_size", "search", "ordering"}


@functools.cache
def parameters_read(view_class) -> frozenset[str]:
    """The query parameters `view_class` reads: the common ones, its own `query_parameters`, and
    its filters', with the suffixes of range filters (rating_min, as_of_after, ...)."""
    names = set(COMMON_PARAMETERS) | set(getattr(view_class, "query_parameters", ()))
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        form = filterset_class(queryset=filterset_class._meta.model._default_manager.none()).form
        for name, field in form.fields.items():
            suffixes = getattr(field.widget, "suffixes", None) or [""]
            names.update("_".join(part for part in (name, suffix) if part) for suffix in suffixes)
    return frozenset(names)
