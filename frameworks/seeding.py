"""Load the shipped evidence (frameworks/seed/*.json) into the database.

Records are matched by their natural key (slug, or a claim's seed key): a record that exists is
left exactly as it is, so a second run changes nothing and editors' changes are never overwritten.
Every record is validated like an admin form would before it is saved; the first invalid one
aborts the whole load, which the caller runs in one transaction.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models

from criteria.models import Criterion

from .models import Claim, Framework, Source, SourceText, location_fields
from .quote_location import Location, locate, nearest_passage

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_REASON = "Loaded by the seed command"
WRITE_LOCATIONS = "manage.py seed --write-quote-locations"


class SeedError(Exception):
    """A seed record is broken; the message names it and says what is wrong."""


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    quotes_checked: int = 0
    texts_stored: int = 0

    def count(self, label: str, created: bool) -> None:
        bucket = self.created if created else self.kept
        bucket[label] = bucket.get(label, 0) + 1


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SeedError(f"{path.name}: cannot be read as JSON: {error}") from None


def load_evidence(seed_dir: Path = SEED_DIR, sources_dir: Path | None = None) -> SeedReport:
    """Create what is missing. With `sources_dir`, first check every quote against its source file."""
    report = SeedReport()
    source_records = read_json(seed_dir / "sources.json")
    claim_files = sorted((seed_dir / "claims").glob("*.json"))
    if sources_dir is not None:
        report.quotes_checked = check_quotes(source_records, claim_files, sources_dir)

    for record in read_json(seed_dir / "criteria.json"):
        create_if_missing(Criterion, "slug", record, report)
    for record in read_json(seed_dir / "frameworks.json"):
        create_if_missing(Framework, "slug", record, report)
    frameworks = {f.slug: f for f in Framework.objects.all()}
    for record in source_records:
        speaks_for = record.get("speaks_for")
        if speaks_for is not None and speaks_for not in frameworks:
            raise SeedError(f"source {record.get('slug')!r}: speaks for an unknown framework {speaks_for!r}.")
        fields = without(record, "file", "speaks_for") | {"speaks_for": frameworks.get(speaks_for)}
        create_if_missing(Source, "slug", fields, report)
    if sources_dir is not None:
        # Before the claims, so that saving each claim locates its quote in the stored text.
        report.texts_stored = store_source_texts(source_records, sources_dir)
    _load_claims(claim_files, report)
    return report


def store_source_texts(source_records: list[dict], sources_dir: Path) -> int:
    """Keep each seeded source's document as its text, where it has none yet; the number stored."""
    stored = 0
    for record in source_records:
        source = Source.objects.get(slug=record["slug"])
        if record.get("file") and not SourceText.objects.filter(source=source).exists():
            text = (sources_dir / record["file"]).read_text(encoding="utf-8")
            SourceText.objects.create(source=source, text=text, origin=f"seed document {record['file']}")
            stored += 1
    return stored


def read_documents(
    source_records: list[dict], claim_files: list[Path], sources_dir: Path
) -> dict[str, tuple[str, str]]:
    """Each claim file's source (file name, text), by the claim file's stem; SeedError when missing."""
    files = {record.get("slug"): record.get("file") for record in source_records}
    documents = {}
    for path in claim_files:
        if not files.get(path.stem):
            raise SeedError(f"claims/{path.name}: sources.json has no source {path.stem!r} with a file.")
        try:
            documents[path.stem] = (
                files[path.stem],
                (sources_dir / files[path.stem]).read_text(encoding="utf-8"),
            )
        except OSError as error:
            raise SeedError(f"sources.json: source {path.stem!r}: cannot read its file: {error}") from None
    return documents


def check_quotes(source_records: list[dict], claim_files: list[Path], sources_dir: Path) -> int:
    """Raise SeedError naming the first claim whose quote is not in its source file, or whose
    recorded location is not where the quote is found (the location a checkout without the source
    documents relies on)."""
    documents = read_documents(source_records, claim_files, sources_dir)
    checked = 0
    for path in claim_files:
        for record in read_json(path):
            label = f"claims/{path.name}: claim {record.get('key')!r}"
            location = locate_or_fail(record, documents[path.stem], label)
            if recorded_location(record) != location_fields(location):
                raise SeedError(
                    f"{label}: its recorded quote location is not where the quote is found in its "
                    f"source; run `{WRITE_LOCATIONS}` to record it again."
                )
            checked += 1
    return checked


def locate_or_fail(record: dict, document: tuple[str, str], label: str) -> Location:
    (file, text), quote = document, record.get("quote", "")
    location = locate(quote, text)
    if location is None:
        nearest = nearest_passage(quote, text)
        raise SeedError(
            f"{label}: its quote is not in {file} (verbatim, whitespace and markup folded)."
            + (f" The nearest passage there: {nearest!r}." if nearest else "")
        )
    return location


def recorded_location(record: dict) -> dict[str, str]:
    return {name: record.get(name, "") for name in location_fields(None)}


def write_quote_locations(seed_dir: Path, sources_dir: Path) -> int:
    """Record in each claim file where each quote is found in its source; the number of claims whose
    recorded location changed. For editors of the seed data, who have the source documents."""
    source_records = read_json(seed_dir / "sources.json")
    claim_files = sorted((seed_dir / "claims").glob("*.json"))
    documents = read_documents(source_records, claim_files, sources_dir)
    changed = 0
    for path in claim_files:
        records = read_json(path)
        for record in records:
            location = locate_or_fail(
                record, documents[path.stem], f"claims/{path.name}: claim {record.get('key')!r}"
            )
            if recorded_location(record) != location_fields(location):
                changed += 1
            record.update(location_fields(location))
        path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def _load_claims(claim_files: list[Path], report: SeedReport) -> None:
    frameworks = {f.slug: f for f in Framework.objects.all()}
    criteria = {c.slug: c for c in Criterion.objects.all()}
    sources = {s.slug: s for s in Source.objects.all()}
    successors: dict[Claim, str] = {}
    for path in claim_files:
        if path.stem not in sources:
            raise SeedError(f"claims/{path.name}: no source with the slug {path.stem!r}.")
        for record in read_json(path):
            label = f"claims/{path.name}: claim {record.get('key')!r}"
            if not record.get("key"):
                raise SeedError(f'{label}: every claim needs a "key".')
            if Claim.objects.filter(seed_key=record["key"]).exists():
                report.count("claims", created=False)
                continue
            status = seed_status(Claim, record, label)
            try:
                claim = Claim(
                    seed_key=record["key"],
                    framework=frameworks[record["framework"]],
                    criterion=criteria[record["criterion"]],
                    source=sources[path.stem],
                    status=status,
                    **without(record, "key", "framework", "criterion", "superseded_by", "status"),
                )
            except KeyError as missing:
                raise SeedError(f"{label}: missing or unknown framework or criterion {missing}.") from None
            except TypeError as error:
                raise SeedError(f"{label}: {error}") from None
            save_valid(claim, label)
            report.count("claims", created=True)
            if record.get("superseded_by"):
                successors[claim] = record["superseded_by"]

    # Links are set once both ends exist; only on claims this run created, like every other field.
    for claim, successor_key in successors.items():
        try:
            claim.superseded_by = Claim.objects.get(seed_key=successor_key)
        except Claim.DoesNotExist:
            raise SeedError(f"claim {claim.seed_key!r}: superseded by unknown {successor_key!r}.") from None
        save_valid(claim, f"claim {claim.seed_key!r}")


def seed_status(model: type[models.Model], record: dict, label: str) -> str:
    """A seed record of a reviewed model is published, or retired saying why: never unreviewed text."""
    noun, status = model._meta.verbose_name, record.get("status", model.Status.PUBLISHED)
    if status not in (model.Status.PUBLISHED, model.Status.RETIRED):
        raise SeedError(f"{label}: a seed {noun} is published or retired, not {status!r}.")
    if status == model.Status.RETIRED and not record.get("retired_reason"):
        raise SeedError(f'{label}: a retired seed {noun} says why in "retired_reason".')
    return status


def create_if_missing(model: type[models.Model], key: str, record: dict, report: SeedReport) -> None:
    label = f"{model._meta.verbose_name} {record.get(key)!r}"
    if model.objects.filter(**{key: record.get(key)}).exists():
        report.count(model._meta.verbose_name_plural, created=False)
        return
    try:
        instance = model(**record)
    except TypeError as error:
        raise SeedError(f"{label}: {error}") from None
    save_valid(instance, label)
    report.count(model._meta.verbose_name_plural, created=True)


def save_valid(instance: models.Model, label: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise SeedError(f"{label}: {problems}") from None
    instance._change_reason = SEED_REASON
    instance.save()


def without(record: dict, *keys: str) -> dict:
    return {name: value for name, value in record.items() if name not in keys}
