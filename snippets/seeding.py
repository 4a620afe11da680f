"""Load the shipped tasks and snippets (snippets/seed/tasks.json, snippets.json), creating only what
is missing, as the evidence loader does (frameworks/seeding.py): a record that exists is left as it
is, every record is validated like an admin form before it is saved, and the first invalid one
aborts the whole load. With the source documents at hand, every quote is checked against its file.
"""

from pathlib import Path

from frameworks.models import Framework, Source
from frameworks.seeding import (
    SEED_DIR as EVIDENCE_SEED_DIR,
)
from frameworks.seeding import (
    SeedError,
    SeedReport,
    create_if_missing,
    locate_or_fail,
    read_json,
    save_valid,
    seed_status,
    without,
)

from .models import Snippet, Task

SEED_DIR = Path(__file__).resolve().parent / "seed"

# A seed snippet's "check" object, by the model's field names.
CHECK_FIELDS = {
    "kind": "check_kind",
    "method": "check_method",
    "path": "check_path",
    "expect_status": "expect_status",
    "expect_body": "expect_body",
}


def load_snippets(
    seed_dir: Path = SEED_DIR,
    sources_dir: Path | None = None,
    evidence_dir: Path = EVIDENCE_SEED_DIR,
    report: SeedReport | None = None,
) -> SeedReport:
    """Create the missing tasks and snippets. With `sources_dir`, first check each quote against its
    source's file (named in `evidence_dir`/sources.json)."""
    report = report or SeedReport()
    records = read_json(seed_dir / "snippets.json")
    if sources_dir is not None:
        report.quotes_checked += check_quotes(records, read_json(evidence_dir / "sources.json"), sources_dir)
    for record in read_json(seed_dir / "tasks.json"):
        create_if_missing(Task, "slug", record, report)
    tasks = {task.slug: task for task in Task.objects.all()}
    frameworks = {framework.slug: framework for framework in Framework.objects.all()}
    sources = {source.slug: source for source in Source.objects.all()}
    for record in records:
        label = f"snippets.json: snippet {record.get('key')!r}"
        if not record.get("key"):
            raise SeedError(f'{label}: every snippet needs a "key".')
        if Snippet.objects.filter(seed_key=record["key"]).exists():
            report.count("snippets", created=False)
            continue
        snippet = _snippet(record, label, tasks, frameworks, sources)
        save_valid(snippet, label)
        report.count("snippets", created=True)
    return report


def _snippet(record: dict, label: str, tasks: dict, frameworks: dict, sources: dict) -> Snippet:
    status = seed_status(Snippet, record, label)
    for name, known in (("task", tasks), ("framework", frameworks)):
        if record.get(name) not in known:
            raise SeedError(f"{label}: missing or unknown {name} {record.get(name)!r}.")
    source = record.get("source")
    if source is not None and source not in sources:
        raise SeedError(f"{label}: unknown source {source!r} (sources are named by their slug).")
    check = record.get("check")
    if not isinstance(check, dict) or set(check) - set(CHECK_FIELDS):
        raise SeedError(f'{label}: "check" is an object of {", ".join(CHECK_FIELDS)}.')
    fields = without(record, "key", "task", "framework", "source", "check", "status")
    try:
        return Snippet(
            seed_key=record["key"],
            task=tasks[record["task"]],
            framework=frameworks[record["framework"]],
            source=sources.get(source),
            status=status,
            **{CHECK_FIELDS[name]: value for name, value in check.items()},
            **fields,
        )
    except TypeError as error:
        raise SeedError(f"{label}: {error}") from None


def check_quotes(records: list[dict], source_records: list[dict], sources_dir: Path) -> int:
    """Raise SeedError naming the first snippet whose quote is not in its source's file; the number
    checked. Code written by an editor quotes nothing."""
    files = {source.get("slug"): source.get("file") for source in source_records}
    texts: dict[str, str] = {}
    checked = 0
    for record in records:
        if record.get("origin") == Snippet.Origin.EDITOR:
            continue
        label = f"snippets.json: snippet {record.get('key')!r}"
        slug = record.get("source")
        if not files.get(slug):
            raise SeedError(
                f"{label}: sources.json has no source {slug!r} with a file to check its quote in."
            )
        if files[slug] not in texts:
            try:
                texts[files[slug]] = (sources_dir / files[slug]).read_text(encoding="utf-8")
            except OSError as error:
                raise SeedError(f"{label}: cannot read its source's file: {error}") from None
        locate_or_fail(record, (files[slug], texts[files[slug]]), label)
        checked += 1
    return checked
