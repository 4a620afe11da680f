"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: touches no service, so it is also the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the cache are reachable; 503 naming the one that is not, and nothing more."""
    checks = {"database": _check_database, "cache": _check_cache}
    down = set()
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # any failure of the service, whatever its driver raises
            # The driver's message (host, port, database and user names) goes to the log only.
            logger.warning("readiness: %s unreachable: %s: %s", name, type(error).__name__, error)
            down.add(name)
    body = {name: "unavailable" if name in down else "ok" for name in checks}
    return JsonResponse(body, status=503 if down else 200)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    # A backend that hides an outage from the pages (TolerantRedisCache) must not hide it from here.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("a value written to the cache could not be read back")
