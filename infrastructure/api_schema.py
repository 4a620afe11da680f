"""The OpenAPI document lists the error answers each operation really gives, so that a generated
client knows them (and schemathesis checks every answer against them).

Every error body is JSON: `{"detail": "..."}`, or for 400 a message per field. Which operation
gives which error follows from where it comes from:

| status | from | operations |
| --- | --- | --- |
| 400 | bad query (NUL, not UTF-8, a filter out of range), a bad body | all |
| 401 | a token that is not valid; writing anonymously | all |
| 403 | the role lacks the permission; four-eyes; a session post without its CSRF token | writes, proposals |
| 404 | no such record, a page past the last | all |
| 409 | saved since the version sent; a step the record's state does not allow | writes to a record |
| 413 | a body over API_MAX_BODY_BYTES | those with a body |
| 414 | an address longer than MAX_URL_BYTES (middleware.py), as gunicorn refuses | all |
| 415 | a body that is not JSON | those with a body |
| 429 | anonymous posts over API_ANONYMOUS_POST_RATE | throttled posts |
| 503 | the database does not answer | all |
"""

from drf_spectacular.openapi import AutoSchema

from .api_support import AnonymousPostThrottle

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "A list of messages per field (or nested object of them), or `detail`.",
    "additionalProperties": {},
}
DESCRIPTIONS = {
    400: "The query or the body is malformed, or a value is refused: a message per field.",
    401: "No valid credentials: anonymous writes, or a token that is not valid.",
    403: "This user may not do this: their role lacks the permission, or the four-eyes rule forbids it.",
    404: "No such record or page.",
    409: "Someone saved the record since the version sent, or its state does not allow this step.",
    413: "The body is larger than the API takes.",
    414: "The address is too long.",
    415: "The body is not JSON.",
    429: "Too many posts from this address: try again after Retry-After seconds.",
    503: "The database is not answering: try again after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


class ErrorListingSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            body = {
                "description": DESCRIPTIONS[status],
                "content": {"application/json": {"schema": FIELD_ERRORS if status == 400 else DETAIL}},
            }
            if status in (429, 503):
                body["headers"] = RETRY_AFTER
            responses.setdefault(str(status), body)
        return responses

    def _error_statuses(self) -> list[int]:
        writes = self.method not in ("GET", "HEAD")
        has_body = writes and self.get_request_serializer() is not None
        on_a_record = writes and ("{id}" in self.path or "{slug}" in self.path)
        needs_role = any(
            getattr(permission, "perms_map", {}).get("GET") for permission in self.view.get_permissions()
        )
        throttled = writes and any(
            issubclass(throttle, AnonymousPostThrottle) for throttle in self.view.throttle_classes
        )
        statuses = [400, 401, 404, 414, 503]
        statuses += [403] if writes or needs_role else []
        statuses += [409] if on_a_record else []
        statuses += [413, 415] if has_body else []
        statuses += [429] if throttled else []
        return sorted(statuses)
