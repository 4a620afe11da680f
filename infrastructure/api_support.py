"""What every API endpoint shares: pagination, a bounded JSON parser, throttling.

Kept free of rest_framework.views, which reads these settings while it is imported.
"""

import io

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.throttling import AnonRateThrottle

from .rate_limit import ANONYMOUS_POSTS, anonymous_post_wait


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
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError("The request body is not valid JSON.") from None
        field = _field_with_lone_surrogate(data)
        if field is not None:
            # JSON's \ud800 escapes can spell half a character, which no text can hold: stored, it
            # breaks PostgreSQL; echoed in an error, it breaks the JSON renderer.
            raise exceptions.ValidationError({field: [LONE_SURROGATE]})
        return data


LONE_SURROGATE = "Text holding a lone surrogate (half of a UTF-16 pair, such as \\ud800) is not valid."


def _field_with_lone_surrogate(data) -> str | None:
    """The top-level field whose key or value (at any depth) holds a lone surrogate, else None; a
    key holding one is named escaped, so that the answer itself can be encoded."""
    if not isinstance(data, dict):
        return "non_field_errors" if _holds_surrogate(data) else None
    for key, value in data.items():
        if _holds_surrogate(key) or _holds_surrogate(value):
            return key.encode("utf-8", "backslashreplace").decode()
    return None


def _holds_surrogate(data) -> bool:
    if isinstance(data, str):
        return any("\ud800" <= char <= "\udfff" for char in data)
    if isinstance(data, dict):
        return any(_holds_surrogate(key) or _holds_surrogate(value) for key, value in data.items())
    if isinstance(data, list):
        return any(_holds_surrogate(item) for item in data)
    return False


class AnonymousPostThrottle(AnonRateThrottle):
    """Throttles anonymous writes only: reading stays free, editors are not throttled."""

    scope = ANONYMOUS_POSTS

    def get_rate(self):
        return settings.ANONYMOUS_POST_RATE

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        # An atomic counter shared with the forms, not DRF's request history: concurrent posts each count.
        self.seconds_to_wait = anonymous_post_wait(request, self.num_requests, self.duration)
        return self.seconds_to_wait is None

    def wait(self):
        return self.seconds_to_wait
