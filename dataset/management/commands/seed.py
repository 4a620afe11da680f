from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frameworks.seeding import SEED_DIR, SeedError, load_evidence, write_quote_locations
from recommender.seeding import load_questionnaire
from snippets.seeding import load_snippets

# The documents the seed evidence quotes, where a checkout has them beside it.
DEFAULT_SOURCES_DIR = settings.BASE_DIR.parent / "shared" / "sources"


class Command(BaseCommand):
    help = (
        "Load the shipped evidence (criteria, frameworks, sources, published claims), questionnaire, "
        "and code snippets with their tasks. "
        "Creates what is missing and never changes what exists, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=SEED_DIR,
            help="Folder of the seed JSON files (default: the shipped ones).",
        )
        parser.add_argument(
            "--sources-dir",
            type=Path,
            help="Folder of the source documents to check every quote against "
            f"(default: {DEFAULT_SOURCES_DIR}, when it exists).",
        )
        parser.add_argument(
            "--write-quote-locations",
            action="store_true",
            help="Load nothing: record in the claim files where each quote is found in its source "
            "document (for editors of the seed data, after adding or changing quotes).",
        )

    def handle(self, *args, data_dir: Path, sources_dir: Path | None, write_quote_locations: bool, **options):
        if sources_dir is not None and not sources_dir.is_dir():
            raise CommandError(f"--sources-dir {sources_dir} is not a folder.")
        check_against = sources_dir or (DEFAULT_SOURCES_DIR if DEFAULT_SOURCES_DIR.is_dir() else None)
        if write_quote_locations:
            self._write_locations(data_dir, check_against)
            return
        if check_against is None:
            self.stdout.write(f"{DEFAULT_SOURCES_DIR} not found: quotes are loaded without checking them.")
        try:
            with transaction.atomic():
                report = load_evidence(data_dir, sources_dir=check_against)
                load_questionnaire(report=report)
                load_snippets(sources_dir=check_against, evidence_dir=data_dir, report=report)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        if report.quotes_checked:
            self.stdout.write(f"{report.quotes_checked} quotes found verbatim in their sources.")
        if report.texts_stored:
            self.stdout.write(f"{report.texts_stored} source texts stored, to check quotes against.")
        for label in sorted(set(report.created) | set(report.kept)):
            self.stdout.write(
                f"{label}: {report.created.get(label, 0)} created, {report.kept.get(label, 0)} already there"
            )
        self.stdout.write(self.style.SUCCESS("Seed data loaded."))

    def _write_locations(self, data_dir: Path, sources_dir: Path | None) -> None:
        if sources_dir is None:
            raise CommandError(
                f"--write-quote-locations needs the source documents: {DEFAULT_SOURCES_DIR} not found."
            )
        try:
            changed = write_quote_locations(data_dir, sources_dir)
        except SeedError as error:
            raise CommandError(f"No claim file was changed past the first error. {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Quote locations written; {changed} changed."))
