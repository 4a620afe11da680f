"""export_evidence and import_evidence: the evidence and its history, out and back in unchanged."""

import datetime
import decimal
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection

from dataset.evidence_export import EVIDENCE_MODELS, evidence_tables, label
from dataset.management.commands.seed import DEFAULT_SOURCES_DIR
from frameworks import synthetic
from frameworks.models import Claim, Framework, Source
from frameworks.quote_location import locate
from frameworks.seeding import SEED_DIR
from recommender.models import Question
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

needs_sources = pytest.mark.skipif(
    not DEFAULT_SOURCES_DIR.is_dir(), reason=f"the source documents are not at {DEFAULT_SOURCES_DIR}"
)


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_evidence", *args, stdout=out)
    return out.getvalue()


def import_evidence(path: Path) -> str:
    out = io.StringIO()
    call_command("import_evidence", str(path), stdout=out)
    return out.getvalue()


def write(tmp_path: Path, document: dict | str) -> Path:
    path = tmp_path / "evidence.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def flush_evidence() -> None:
    """Empty every evidence table, history included, as in a freshly migrated database."""
    Claim._base_manager.update(superseded_by=None)  # else PROTECT refuses to delete the chain
    for model in reversed(EVIDENCE_MODELS):
        model._base_manager.all().delete()
    # Only now: deleting a row adds a history row of its deletion.
    for table in set(evidence_tables()) - set(EVIDENCE_MODELS):
        table._base_manager.all().delete()


def evidence_counts() -> dict[str, int]:
    return {label(model): model._base_manager.count() for model in evidence_tables()}


def rewind_id_sequences() -> None:
    """PostgreSQL's id sequences survive a test's rollback: start the empty tables at 1 again."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), evidence_tables()):
            cursor.execute(statement)


def save(instance, user, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    instance.save()


def edit_the_record(editor, reviewer) -> dict[str, Claim]:
    """Claims in every status, moved by named users, so that history has several rows per claim."""
    old = Claim.objects.get(seed_key="flask-async-await-views")
    new = Claim(
        framework=old.framework,
        criterion=old.criterion,
        source=old.source,
        statement="Flask runs async views, and 0.1 of a second is 0.10 here.",
        quote=old.quote,
        rating=4,
        value=decimal.Decimal("0.10"),
        unit="seconds",
        as_of=datetime.date(2026, 11, 1),
        author=editor,
        last_edited_by=editor,
    )
    save(new, editor, "Drafted")
    new.submit_for_review(editor)
    save(new, editor, "Submitted for review")
    new.publish(reviewer)
    save(new, reviewer, "Published")
    old.superseded_by = new
    save(old, reviewer, "Superseded by a newer claim")

    retired = Claim.objects.published().exclude(pk__in=[old.pk, new.pk]).first()
    retired.retire(reviewer, "Its source withdrew the page.")
    save(retired, reviewer, "Retired")
    cell = {"framework": old.framework, "criterion": old.criterion, "source": old.source, "author": editor}
    draft = Claim(**cell, statement="A draft, no quote yet.", rating=2)
    save(draft, editor, "Drafted")
    save(Claim(**cell, statement="Waiting.", rating=3, status=Claim.Status.IN_REVIEW), editor, "Drafted")
    given_up = Claim(**cell, statement="Given up.", rating=3)
    save(given_up, editor, "Drafted")
    given_up.withdraw(editor)
    save(given_up, editor, "Withdrawn")

    # A framework added and deleted again: only its history is left, and that is kept too.
    bottle = Framework(slug="bottle", name="Bottle", summary="A micro-framework.", kind=Framework.Kind.MICRO)
    save(bottle, editor, "Added")
    bottle._history_user = editor
    bottle.delete()
    return {"new": new, "superseded": old, "retired": retired, "draft": draft}


def history_of(claim: Claim) -> list[tuple]:
    return list(
        claim.history.order_by("history_id").values_list(
            "history_id", "history_date", "history_type", "history_user__username", "history_change_reason"
        )
    )


def test_export_import_export_gives_the_same_bytes(seeded, editor, reviewer, tmp_path):
    claims = edit_the_record(editor, reviewer)
    histories = {name: history_of(claim) for name, claim in claims.items()}
    first = tmp_path / "first.json"
    export("--output", str(first))
    text = first.read_text(encoding="utf-8")
    assert export() == text  # the same data, the same bytes, to a file or to stdout

    document = json.loads(text)
    assert document["format_version"] == 3 and document["users"] == ["edith", "rita"]
    # The seed stored its documents as the sources' texts, and they travel with the claims.
    assert len(document["tables"]["frameworks.sourcetext"]) == len(document["tables"]["frameworks.source"])
    claim_rows = document["tables"]["frameworks.claim"]
    assert {row["status"] for row in claim_rows} == set(Claim.Status.values)
    assert [row["history_type"] for row in document["tables"]["frameworks.historicalclaim"]].count("~") >= 4
    assert [row["history_type"] for row in document["tables"]["frameworks.historicalframework"]][-2:] == [
        "+",
        "-",
    ]

    flush_evidence()
    assert not any(evidence_counts().values())
    import_evidence(first)

    assert export() == text
    assert {name: history_of(claim) for name, claim in claims.items()} == histories
    assert len(histories["new"]) == 3
    restored = Claim.objects.get(pk=claims["new"].pk)
    assert (restored.author, restored.reviewer, restored.value) == (editor, reviewer, claims["new"].value)
    assert restored.created_at == claims["new"].created_at  # not stamped anew by auto_now_add
    assert Claim.objects.get(pk=claims["superseded"].pk).superseded_by == restored


def test_a_new_claim_after_an_import_gets_a_new_id(tmp_path):
    rewind_id_sequences()  # so that the seed takes ids from 1, as in a fresh database
    call_command("seed", stdout=io.StringIO())
    document = tmp_path / "evidence.json"
    export("--output", str(document))
    imported = max(Claim.objects.values_list("pk", flat=True))
    flush_evidence()
    rewind_id_sequences()  # a fresh database: without the import's reset, new rows would get id 1 again
    import_evidence(document)

    claim = ClaimFactory()  # and a new framework, criterion and source, each with a history row
    assert claim.pk == imported + 1
    assert claim.history.count() == 1 and Framework.objects.count() == 9


def test_users_are_matched_by_username_and_missing_ones_created_inactive(seeded, editor, reviewer, tmp_path):
    claims = edit_the_record(editor, reviewer)
    document = tmp_path / "evidence.json"
    export("--output", str(document))
    flush_evidence()
    reviewer.delete()  # the new database has edith but not rita

    output = import_evidence(document)

    assert "Created as inactive users without a password, to keep who did what: rita" in output
    rita = User.objects.get(username="rita")
    assert not rita.is_active and not rita.is_staff and not rita.has_usable_password()
    assert User.objects.get(username="edith").pk == editor.pk
    new = Claim.objects.get(pk=claims["new"].pk)
    assert (new.author, new.reviewer, new.history.earliest().history_user) == (editor, rita, editor)


def test_the_document_can_come_from_standard_input(seeded, monkeypatch):
    text = export()
    flush_evidence()
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    call_command("import_evidence", "-", stdout=io.StringIO())
    assert export() == text


@pytest.fixture
def round_trip(seeded, tmp_path) -> dict:
    """The seeded evidence exported, flushed and imported again; returns the exported document."""
    path = tmp_path / "evidence.json"
    export("--output", str(path))
    flush_evidence()
    import_evidence(path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_quote_comes_back_verbatim(round_trip):
    exported = {row["id"]: row["quote"] for row in round_trip["tables"]["frameworks.claim"]}
    assert dict(Claim.objects.values_list("pk", "quote")) == exported
    assert len(exported) >= 80


@needs_sources
def test_every_imported_quote_is_still_in_its_source_document(round_trip):
    files = {s["slug"]: s["file"] for s in json.loads((SEED_DIR / "sources.json").read_text())}
    for claim in Claim.objects.select_related("source"):
        document = (DEFAULT_SOURCES_DIR / files[claim.source.slug]).read_text(encoding="utf-8")
        assert locate(claim.quote, document) is not None, claim.seed_key


def test_an_import_into_a_database_with_evidence_is_refused_and_writes_nothing(seeded, tmp_path):
    document = tmp_path / "evidence.json"
    export("--output", str(document))
    flush_evidence()
    Question.objects.create(slug="left-behind", text="Left behind?")
    before = evidence_counts()

    with pytest.raises(CommandError, match=r"already holds evidence: recommender\.question \(1\)"):
        import_evidence(document)
    assert evidence_counts() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "compare-site-evidence", "format_version": 3,', "not valid JSON"),
        (
            '{"format": "compare-site-evidence", "format_version": 2}',
            "format version 2; this site reads version 3",
        ),
        ('[{"model": "frameworks.claim"}]', 'not an evidence export: it has no "format"'),
        ('{"format": "compare-site-evidence", "format_version": 3}', '"users" must be a list'),
    ],
)
def test_a_file_in_another_format_is_refused(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        import_evidence(write(tmp_path, text))


@pytest.fixture
def exported(seeded) -> dict:
    """The seeded evidence with one claim by a user the database lacks, exported and flushed."""
    Claim.objects.filter(pk=Claim.objects.first().pk).update(author=User.objects.create(username="newcomer"))
    document = json.loads(export())
    flush_evidence()
    User.objects.filter(username="newcomer").delete()
    return document


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        pytest.param(
            "frameworks.claim", {"rating": "seven"}, "claim row 2: rating 'seven': .* integer", id="type"
        ),
        pytest.param("frameworks.claim", {"rating": 9}, "claim_rating_1_to_5", id="check-constraint"),
        pytest.param(
            "frameworks.claim", {"framework": 999999}, "refers to one that is not in the file", id="reference"
        ),
        pytest.param(
            "frameworks.claim", {"colour": "blue"}, "claim row 2: unknown colour", id="unknown-field"
        ),
        pytest.param(
            "frameworks.claim", {"author": "ghost"}, "author 'ghost': this user is not in", id="unknown-user"
        ),
        pytest.param(
            "frameworks.historicalclaim",
            {"history_date": "last week"},
            "history_date 'last week'",
            id="history",
        ),
        pytest.param(
            "frameworks.historicalclaim",
            {"history_date": 5},
            "history_date 5 is not a valid",
            id="wrong-type",
        ),
        pytest.param(
            "recommender.choiceweight", {"delta": 11}, "choice_weight_delta_in_range", id="questionnaire"
        ),
    ],
)
def test_a_broken_record_is_named_and_nothing_is_written(exported, tmp_path, table, change, message):
    exported["tables"][table][1].update(change)
    with pytest.raises(CommandError, match=message):
        import_evidence(write(tmp_path, exported))
    assert not any(evidence_counts().values())
    assert not User.objects.filter(username="newcomer").exists()


def test_a_row_without_a_field_is_refused(exported, tmp_path):
    del exported["tables"]["frameworks.source"][0]["accessed_on"]
    with pytest.raises(CommandError, match=r"frameworks\.source row 1: missing accessed_on"):
        import_evidence(write(tmp_path, exported))
    assert not any(evidence_counts().values())


def test_synthetic_rows_are_left_out_unless_asked_for(seeded):
    synthetic.generate(frameworks=1, criteria=1, claims=20)
    real = json.loads(export())
    assert real["synthetic_rows"] == "excluded"
    assert not [row for rows in real["tables"].values() for row in rows if row.get("is_synthetic")]
    assert len(real["tables"]["frameworks.claim"]) == Claim.objects.count()

    everything = json.loads(export("--include-synthetic"))
    assert (
        len(everything["tables"]["frameworks.claim"])
        == Claim.everything.count()
        == Claim.objects.count() + 20
    )
    assert len(everything["tables"]["frameworks.historicalclaim"]) == Claim.history.count()


def test_a_real_claim_citing_a_synthetic_source_stops_the_export(seeded):
    synthetic.generate(frameworks=1, criteria=1, claims=20)
    claim = Claim.objects.first()
    source = Source.everything.filter(is_synthetic=True).first()
    Claim.objects.filter(pk=claim.pk).update(source=source)
    with pytest.raises(
        CommandError,
        match=f"frameworks.claim {claim.pk} refers to frameworks.source {source.pk}, which is synthetic",
    ):
        export()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_outside_a_transaction_takes_its_own_snapshot():
    # The command's usual case, which tests wrapped in a transaction do not reach: on PostgreSQL it
    # opens a REPEATABLE READ transaction of its own.
    call_command("seed", stdout=io.StringIO())
    assert not connection.in_atomic_block
    assert export() == export()
    assert len(json.loads(export())["tables"]["frameworks.claim"]) == Claim.objects.count()
