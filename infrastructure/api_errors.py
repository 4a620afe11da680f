"""How errors that are not the API's own reach its clients."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    # Model and workflow rules raise Django's ValidationError; clients get them as 400s.
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    # The database's own rules are the last line; a serializer should have refused first.
    elif isinstance(exc, IntegrityError):
        logger.warning("API write refused by the database: %s", exc)
        exc = exceptions.ValidationError(
            {"detail": "This change breaks a rule of the data; nothing was saved."}
        )
    return drf_exception_handler(exc, context)


# Errors raised before any API view runs (a URL no route takes, a body Django refuses) are JSON
# under /api/ too: clients, and the OpenAPI document, expect nothing else there.


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "The request is malformed."}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No such address in the API."}, status=404)
    return defaults.page_not_found(request, exception)
