"""The visitor's network address, for throttles, report limits and login lockouts.

Behind TRUSTED_PROXY_COUNT reverse proxies each proxy appends the address it received the
request from to X-Forwarded-For, so the client is the entry the outermost trusted proxy wrote:
the Nth from the right, counting REMOTE_ADDR (the nearest proxy) as the last. Whatever a client
puts in the header itself stays to the left of that and is never read.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# Where no address can be had (a server on a Unix socket without a proxy): all such clients share it.
NO_ADDRESS = "0.0.0.0"


def client_address(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or NO_ADDRESS
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [address for address in forwarded if address] + [remote]
    # Fewer entries than proxies: the request skipped a proxy; its leftmost entry is all there is.
    # Not an address (a misconfigured proxy count, a forged header): the nearest proxy's is used.
    return _valid(chain[max(0, len(chain) - 1 - proxies)]) or remote


def _valid(text: str) -> str | None:
    """The address in its canonical form, as the lockout records store it; None if it is none."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
