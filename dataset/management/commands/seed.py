from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frameworks.seeding import SEED_DIR, SeedError, load_evidence
from recommender.seeding import load_questionnaire

# The documents the seed evidence quotes, where a checkout has them beside it.
DEFAULT_SOURCES_DIR = settings.BASE_DIR.parent / "shared" / "sources"


class Command(BaseCommand):
    help = (
        "Load the shipped evidence (criteria, frameworks, sources, published claims) and questionnaire. "
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

    def handle(self, *args, data_dir: Path, sources_dir: Path | None, **options):
        if sources_dir is not None and not sources_dir.is_dir():
            raise CommandError(f"--sources-dir {sources_dir} is not a folder.")
        check_against = sources_dir or (DEFAULT_SOURCES_DIR if DEFAULT_SOURCES_DIR.is_dir() else None)
        if check_against is None:
            self.stdout.write(f"{DEFAULT_SOURCES_DIR} not found: quotes are loaded without checking them.")
        try:
            with transaction.atomic():
                report = load_evidence(data_dir, sources_dir=check_against)
                load_questionnaire(report=report)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        if report.quotes_checked:
            self.stdout.write(f"{report.quotes_checked} quotes found verbatim in their sources.")
        for label in sorted(set(report.created) | set(report.kept)):
            self.stdout.write(
                f"{label}: {report.created.get(label, 0)} created, {report.kept.get(label, 0)} already there"
            )
        self.stdout.write(self.style.SUCCESS("Seed data loaded."))
