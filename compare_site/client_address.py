"""The visitor's network address, for throttles, report limits and login lockouts.

Behind TRUSTED_PROXY_COUNT reverse proxies each proxy appends the address it received the
request from to X-Forwarded-For, so the client is the entry the outermost trusted proxy wrote:
the Nth from the right, counting REMOTE_ADDR (the nearest proxy) as the last. Whatever a client
puts in the header itself stays to the left of that and is never read.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [address for address in forwarded if address] + [remote]
    # Fewer entries than proxies: the request skipped a proxy; its leftmost entry is all there is.
    return chain[max(0, len(chain) - 1 - proxies)]
