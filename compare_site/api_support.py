"""What every API endpoint shares: pagination, a bounded JSON parser, throttling.

Kept free of rest_framework.views, which reads these settings while it is imported.
"""

import io

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.throttling import AnonRateThrottle

from .client_address import client_address
from .rate_limit import retry_after


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class BoundedJSONParser(JSONParser):
    """JSON bodies up to API_MAX_BODY_BYTES; a larger one is refused before it is parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than the limit of {limit} bytes.")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError("The request body is not valid JSON.") from None


class AnonymousPostThrottle(AnonRateThrottle):
    """Throttles anonymous writes only: reading stays free, editors are not throttled."""

    scope = "anonymous-posts"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS") or request.user.is_authenticated:
            return True
        # An atomic counter, not DRF's request history: concurrent posts each count.
        self.seconds_to_wait = retry_after(
            f"{self.scope}:{self.get_ident(request)}", self.num_requests, self.duration
        )
        return self.seconds_to_wait is None

    def wait(self):
        return self.seconds_to_wait

    def get_ident(self, request):
        # DRF's own reading trusts any X-Forwarded-For unless told how many proxies there are.
        return client_address(request)
