"""Conditional API reads: ETag and Last-Modified on every GET, 304 when the client's copy is current.

A response depends on the data (one cheap query over the history tables says how far it has
come), on the request (path, query, format) and on who asks (editors see drafts). The date
counts too: the `stale` flags move at midnight without any edit. The check runs before the
view, so a 304 costs that one query and nothing else.
"""

import datetime
import hashlib

from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition

from compare_site.history_state import history_state
from frameworks.evidence import EVIDENCE_MODELS
from recommender.models import Choice, ChoiceWeight, Question

DATA_MODELS = [*EVIDENCE_MODELS, Question, Choice, ChoiceWeight]

# Request headers a response can differ by: the format asked for and the credentials.
VARIES_BY = ["Accept", "Authorization", "Cookie"]


def request_fingerprint(request, *parts: str) -> str:
    """A strong ETag for this request's representation of the state named by `parts`."""
    who = [request.headers.get(header, "") for header in VARIES_BY]
    digest = hashlib.sha256("\n".join([*parts, request.get_full_path(), *who]).encode()).hexdigest()
    return f'"{digest[:32]}"'


class ConditionalReadMixin:
    """For DRF views whose answers depend on the evidence and the questionnaire."""

    def read_state(self, request, **kwargs) -> tuple[str, datetime.datetime | None] | None:
        """(what the response depends on, when that last changed); None leaves the request alone."""
        version, changed = history_state(DATA_MODELS)
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        return f"{version}@{today.isoformat()}", max(changed, midnight) if changed else midnight

    def dispatch(self, request, *args, **kwargs):
        state = self.read_state(request, **kwargs) if request.method in ("GET", "HEAD") else None
        if state is None:
            return super().dispatch(request, *args, **kwargs)
        etag, last_modified = request_fingerprint(request, state[0]), state[1]
        conditional = condition(
            etag_func=lambda *a, **k: etag, last_modified_func=lambda *a, **k: last_modified
        )
        response = conditional(super().dispatch)(request, *args, **kwargs)
        patch_vary_headers(response, VARIES_BY)
        return response
