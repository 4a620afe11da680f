"""The evidence and the questionnaire, every historical row included, as one JSON document.

`manage.py export_evidence` writes it and `import_evidence` (evidence_import.py) reads it back.
Rows are kept as stored: primary keys (claims are linked by id in URLs), and each history row
with its history_id, date, type, user and change reason. Rows are ordered by primary key and
their fields by the model's field order, so the same data always gives the same bytes.

Users appear by username only: ids differ between databases and passwords never leave.
Synthetic rows (benchmark data, frameworks/synthetic.py) are left out unless asked for: they are
generated again from a seed, and would make a file of the real evidence a hundred times larger.
Every other row is read through the base manager, so drafts, retired claims and superseded ones
are all in: they are part of the record.
"""

import datetime
import decimal
import json
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from simple_history.utils import get_history_model_for_model

from criteria.models import Criterion
from frameworks.models import Claim, Framework, Source, SourceText
from recommender.models import Choice, ChoiceWeight, Question
from snippets.models import Snippet, Task, VerificationRun

FORMAT = "compare-site-evidence"
# 2: claims carry retired_reason. 3: claims carry where their quote is in their source's text; the
# texts come along, and so do the code snippets with their tasks and runs. A file of an older
# version lacks them, so it is refused by its version.
FORMAT_VERSION = 3

# In the order rows can be inserted: what a row refers to comes before it. Problem reports
# (visitors' addresses) and verdicts (computed, and kept under their dataset version) are not
# evidence and stay where they are.
EVIDENCE_MODELS = [
    Criterion,
    Framework,
    Source,
    SourceText,
    Claim,
    Question,
    Choice,
    ChoiceWeight,
    Task,
    Snippet,
    VerificationRun,
]


class ExportError(Exception):
    """The evidence cannot be written as a document that imports again; the message says why."""


def evidence_tables() -> list[type[models.Model]]:
    """Every evidence model, each followed by its history model where it keeps history."""
    return [
        table
        for model in EVIDENCE_MODELS
        for table in (model, get_history_model_for_model(model) if hasattr(model, "history") else None)
        if table is not None
    ]


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def is_user_reference(field: models.Field) -> bool:
    return field.is_relation and field.related_model is get_user_model()


def has_synthetic_flag(model: type[models.Model]) -> bool:
    return any(field.name == "is_synthetic" for field in model._meta.concrete_fields)


def export_evidence(include_synthetic: bool = False) -> dict:
    user_model = get_user_model()
    with _snapshot():
        usernames = dict(user_model._base_manager.values_list("pk", user_model.USERNAME_FIELD))
        tables = {label(model): _rows(model, include_synthetic, usernames) for model in evidence_tables()}
    if not include_synthetic:
        _check_nothing_points_at_synthetic_rows(tables)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "synthetic_rows": "included" if include_synthetic else "excluded",
        "users": _referenced_usernames(tables),
        "tables": tables,
    }


def dumps(document: dict) -> str:
    # ensure_ascii off: quotes keep their typographic characters readable in a diff.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def row_count(document: dict) -> int:
    return sum(len(rows) for rows in document["tables"].values())


@contextmanager
def _snapshot():
    """Read every table as of one moment, so that an edit saved meanwhile is in all of them or none.

    PostgreSQL needs REPEATABLE READ for that (each statement sees its own moment otherwise); a
    SQLite transaction already reads one snapshot. Inside a caller's transaction it is the caller's.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _rows(model: type[models.Model], include_synthetic: bool, usernames: dict) -> list[dict]:
    rows = model._base_manager.order_by("pk")
    if not include_synthetic and has_synthetic_flag(model):
        rows = rows.filter(is_synthetic=False)
    fields = model._meta.concrete_fields
    return [
        {field.name: _to_json(field, value, usernames) for field, value in zip(fields, values, strict=True)}
        for values in rows.values_list(*(field.attname for field in fields)).iterator()
    ]


def _to_json(field: models.Field, value, usernames: dict):
    if value is None:
        return None
    if is_user_reference(field):
        # History rows keep a user's id without a constraint; a user deleted since has no name to carry.
        return usernames.get(value)
    if isinstance(value, datetime.date):  # datetimes too, with their offset and microseconds
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)  # as a string: a float would round 0.1 and lose the stored decimal places
    return value


def _referenced_usernames(tables: dict[str, list[dict]]) -> list[str]:
    names = set()
    for model in evidence_tables():
        fields = [field.name for field in model._meta.concrete_fields if is_user_reference(field)]
        names.update(row[name] for row in tables[label(model)] for name in fields)
    names.discard(None)
    return sorted(names)


def _check_nothing_points_at_synthetic_rows(tables: dict[str, list[dict]]) -> None:
    """A real row that refers to a left-out synthetic one would not import: say so now, not then."""
    exported = {
        model: {row[model._meta.pk.name] for row in tables[label(model)]} for model in EVIDENCE_MODELS
    }
    for model in EVIDENCE_MODELS:
        for field in model._meta.concrete_fields:
            if field.related_model not in exported:
                continue
            for row in tables[label(model)]:
                target = row[field.name]
                if target is not None and target not in exported[field.related_model]:
                    raise ExportError(
                        f"{label(model)} {row[model._meta.pk.name]} refers to "
                        f"{label(field.related_model)} {target}, which is synthetic: "
                        "export with --include-synthetic to keep both."
                    )
