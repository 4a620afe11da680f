"""The public changelog: what happened to published evidence, newest first, without editors' data."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from infrastructure.visibility import include_synthetic

from .models import Claim

# What a visitor may see change; who changed it, and internal bookkeeping, stay private.
PUBLIC_FIELDS = {"statement", "quote", "rating", "status", "as_of", "applies_to", "superseded_by"}


@dataclass
class Change:
    claim_id: int
    history_id: int
    when: datetime
    framework: str
    criterion: str
    statement: str
    summary: str


def describe(record, previous) -> str:
    if previous is None or previous.status != record.status:
        if record.status == Claim.Status.RETIRED and record.retired_reason:
            return f"Claim retired: {record.retired_reason}"
        return f"Claim {record.get_status_display().lower()}."
    changed = sorted(c.field for c in record.diff_against(previous).changes if c.field in PUBLIC_FIELDS)
    return f"Changed: {', '.join(changed)}." if changed else "Edited."


def _history():
    history = Claim.history.model.objects
    return history if include_synthetic() else history.filter(is_synthetic=False)


def change_records() -> QuerySet:
    """History records that are public changes, newest first: those that left a claim published, or
    retired it (an edit of a claim already retired is not news).

    Only claims that were once published count: a draft retired before the workflow refused that
    (or any claim never reviewed) must not put its unreviewed text in public."""
    history = _history()
    once_published = history.filter(status=Claim.Status.PUBLISHED).values("id")
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    previous_status = (
        history.filter(earlier, id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    retired = Claim.Status.RETIRED
    return (
        history.filter(status__in=[Claim.Status.PUBLISHED, retired], id__in=once_published)
        .annotate(previous_status=Subquery(previous_status))
        .filter(~Q(status=retired) | ~Q(previous_status=retired) | Q(previous_status__isnull=True))
        .select_related("framework", "criterion")
        .order_by("-history_date", "-history_id")
    )


def as_changes(records) -> list[Change]:
    """The changes the given records made: one query for the records before them, whatever their number."""
    records = list(records)
    earlier = {}
    for record in _history().filter(id__in={r.id for r in records}).order_by("history_date", "history_id"):
        earlier.setdefault(record.id, []).append(record)
    changes = []
    for record in records:
        trail = earlier[record.id]
        position = next(i for i, r in enumerate(trail) if r.history_id == record.history_id)
        previous = trail[position - 1] if position else None
        changes.append(
            Change(
                record.id,
                record.history_id,
                record.history_date,
                record.framework.name,
                record.criterion.name,
                record.statement,
                describe(record, previous),
            )
        )
    return changes


def recent_changes(limit: int = 50) -> list[Change]:
    """The latest changes: three queries whatever the history's size."""
    return as_changes(change_records()[:limit])
