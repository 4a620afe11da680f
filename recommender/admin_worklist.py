"""The evidence worklist in the admin: /admin/frameworks/worklist/, for whoever may view claims.

Mounted by compare_site/urls.py in front of the admin's own patterns (the admin site keeps no
hook for a page that is not a model's); linked from the admin index (templates/admin/index.html).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from frameworks.models import Claim

from .worklist import Row, load_worklist


@dataclass(frozen=True)
class Listed:
    row: Row
    claims_url: str  # the claims list, filtered to the cell
    add_url: str  # a new claim, its framework and criterion filled in

    @property
    def percent(self) -> str:
        return f"{self.row.flip_rate:.0%}"

    @property
    def tried(self) -> str:
        """The ratings the cell was moved to, as an editor reads them: "2 and 5", "1.5 and 3.5"."""
        return " and ".join(f"{round(rating, 1):g}" for rating in self.row.moved_to)


def listed(row: Row) -> Listed:
    cell = {"framework__id__exact": row.framework_id, "criterion__id__exact": row.criterion_id}
    new = {"framework": row.framework_id, "criterion": row.criterion_id}
    return Listed(
        row,
        f"{reverse('admin:frameworks_claim_changelist')}?{urlencode(cell)}",
        f"{reverse('admin:frameworks_claim_add')}?{urlencode(new)}",
    )


@require_safe
def worklist_view(request: HttpRequest) -> TemplateResponse:
    if not admin.site.get_model_admin(Claim).has_view_permission(request):
        raise PermissionDenied("Only those who may view claims see the evidence worklist.")
    worklist = load_worklist()
    context = {
        **admin.site.each_context(request),
        "title": "Evidence worklist",
        "opts": Claim._meta,
        "worklist": worklist,
        "rows": [listed(row) for row in worklist.rows],
        "add_claim_url": reverse("admin:frameworks_claim_add"),
    }
    return TemplateResponse(request, "admin/frameworks/worklist.html", context)


# admin_view: staff only (others go to the login page), and never cached by the browser.
worklist = admin.site.admin_view(worklist_view)
