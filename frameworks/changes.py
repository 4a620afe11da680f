"""The public changelog: what happened to published evidence, newest first, without editors' data."""

from dataclasses import dataclass
from datetime import datetime

from criteria.visibility import include_synthetic

from .models import Claim

# What a visitor may see change; who changed it, and internal bookkeeping, stay private.
PUBLIC_FIELDS = {"statement", "quote", "rating", "status", "as_of", "applies_to", "superseded_by"}


@dataclass
class Change:
    claim_id: int
    when: datetime
    framework: str
    criterion: str
    statement: str
    summary: str


def describe(record, previous) -> str:
    if previous is None or previous.status != record.status:
        return f"Claim {record.get_status_display().lower()}."
    changed = sorted(c.field for c in record.diff_against(previous).changes if c.field in PUBLIC_FIELDS)
    return f"Changed: {', '.join(changed)}." if changed else "Edited."


def recent_changes(limit: int = 50) -> list[Change]:
    """Changes that left a claim published or retired it: two queries whatever the history's size.

    Only claims that were once published count: a draft retired before the workflow refused that
    (or any claim never reviewed) must not put its unreviewed text in public."""
    history = Claim.history.model.objects
    if not include_synthetic():
        history = history.filter(is_synthetic=False)
    once_published = history.filter(status=Claim.Status.PUBLISHED).values("id")
    records = list(
        history.filter(status__in=[Claim.Status.PUBLISHED, Claim.Status.RETIRED], id__in=once_published)
        .select_related("framework", "criterion")
        .order_by("-history_date", "-history_id")[:limit]
    )
    earlier = {}
    for record in history.filter(id__in={r.id for r in records}).order_by("history_date", "history_id"):
        earlier.setdefault(record.id, []).append(record)
    changes = []
    for record in records:
        trail = earlier[record.id]
        position = next(i for i, r in enumerate(trail) if r.history_id == record.history_id)
        previous = trail[position - 1] if position else None
        if previous is not None and previous.status == Claim.Status.RETIRED == record.status:
            continue
        changes.append(
            Change(
                record.id,
                record.history_date,
                record.framework.name,
                record.criterion.name,
                record.statement,
                describe(record, previous),
            )
        )
    return changes
