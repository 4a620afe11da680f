"""Read an export_evidence document into a database that holds no evidence yet.

All or nothing: the caller's one transaction takes every row or none, and any problem is an
ImportRefused naming the table and row. Rows go in as exported, primary keys and history rows
included, so that exporting again gives the same document. They are saved "raw", as loaddata
saves fixtures: simple_history records no history of its own for a raw save (the document brings
the history), and auto_now fields keep the exported time (bulk_create would stamp them "now").

Users are matched by username. One this database lacks is created inactive, without a usable
password, so that the record keeps who wrote, reviewed and changed what, and nobody can log in
as them until an administrator decides to.
"""

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from .evidence_export import FORMAT, FORMAT_VERSION, evidence_tables, is_user_reference, label


class ImportRefused(Exception):
    """The document cannot be imported here; nothing was written. The message says why."""


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    users_created: list[str] = field(default_factory=list)


def parse(text: str) -> dict:
    """The document, once it is JSON in this format and version; its rows are checked on import."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ImportRefused(f"The file is not valid JSON: {error}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f'This is not an evidence export: it has no "format": "{FORMAT}".')
    if document.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(
            f"The file is in format version {document.get('format_version')!r}; "
            f"this site reads version {FORMAT_VERSION} only."
        )
    return document


@transaction.atomic
def import_evidence(document: dict) -> ImportReport:
    tables = evidence_tables()
    _refuse_unless_empty(tables)
    _check_layout(document, tables)
    report = ImportReport()
    users = _users(document["users"], report)
    for model in tables:
        records = document["tables"][label(model)]
        for index, record in enumerate(records):
            _insert(_instance(model, record, users, f"{label(model)} row {index + 1}"))
        report.rows[label(model)] = len(records)
    _check_references(tables)
    _reset_sequences(tables)
    return report


def _refuse_unless_empty(tables: list[type[models.Model]]) -> None:
    filled = [f"{label(model)} ({count})" for model in tables if (count := model._base_manager.count())]
    if filled:
        raise ImportRefused(
            f"The database already holds evidence: {', '.join(filled)}. Import only into a freshly "
            "migrated database without evidence, so that ids and history stay as exported."
        )


def _check_layout(document: dict, tables: list[type[models.Model]]) -> None:
    users = document.get("users")
    if not isinstance(users, list) or not all(isinstance(name, str) for name in users):
        raise ImportRefused('"users" must be a list of usernames.')
    given = document.get("tables")
    expected = [label(model) for model in tables]
    if not isinstance(given, dict) or sorted(given) != sorted(expected):
        raise ImportRefused(f'"tables" must hold exactly these tables: {", ".join(expected)}.')
    for name in expected:
        if not isinstance(given[name], list):
            raise ImportRefused(f'"tables": {name} must be a list of rows.')


def _users(usernames: list[str], report: ImportReport) -> dict[str, int]:
    user_model = get_user_model()
    key = user_model.USERNAME_FIELD
    ids = dict(user_model._base_manager.filter(**{f"{key}__in": usernames}).values_list(key, "pk"))
    for name in sorted(set(usernames) - set(ids)):
        # No password given: create_user makes it unusable.
        ids[name] = user_model._default_manager.create_user(**{key: name}, is_active=False).pk
        report.users_created.append(name)
    return ids


def _instance(model: type[models.Model], record, users: dict[str, int], where: str) -> models.Model:
    if not isinstance(record, dict):
        raise ImportRefused(f"{where}: a row must be a JSON object.")
    fields = model._meta.concrete_fields
    missing = [f.name for f in fields if f.name not in record]
    unknown = sorted(set(record) - {f.name for f in fields})
    problems = [
        f"{kind} {', '.join(names)}" for kind, names in (("missing", missing), ("unknown", unknown)) if names
    ]
    if problems:
        raise ImportRefused(f"{where}: {'; '.join(problems)}.")
    values = {}
    for model_field in fields:
        value = record[model_field.name]
        try:
            values[model_field.attname] = _from_json(model_field, value, users)
        except ValidationError as error:
            problem = " ".join(error.messages)
            raise ImportRefused(f"{where}: {model_field.name} {value!r}: {problem}") from None
        except (TypeError, ValueError):  # e.g. a number where a date belongs
            raise ImportRefused(f"{where}: {model_field.name} {value!r} is not a valid value.") from None
    return model(**values)


def _from_json(model_field: models.Field, value, users: dict[str, int]):
    if value is None:
        return None
    if is_user_reference(model_field):
        if value not in users:
            raise ValidationError('this user is not in the document\'s "users".')
        return users[value]
    return model_field.to_python(value)


def _insert(instance: models.Model) -> None:
    try:
        instance.save_base(raw=True, force_insert=True)
    except DatabaseError as error:
        # A check, unique or not-null constraint; the rolled-back transaction keeps nothing.
        where = f"{label(type(instance))} {instance.pk}"
        raise ImportRefused(f"{where}: the database refused it: {error}") from None


def _check_references(tables: list[type[models.Model]]) -> None:
    """Foreign keys are checked at commit; check them now, to name the broken one and roll back."""
    try:
        connection.check_constraints(table_names=[model._meta.db_table for model in tables])
    except DatabaseError as error:
        raise ImportRefused(f"A row refers to one that is not in the file: {error}") from None


def _reset_sequences(tables: list[type[models.Model]]) -> None:
    """Rows came with their ids: move each id sequence past them, or the next new row would collide.

    The same statements as `manage.py sqlsequencereset`; none on SQLite, which continues after the
    highest id by itself.
    """
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
