import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataset.evidence_import import ImportRefused, import_evidence, parse


class Command(BaseCommand):
    help = (
        "Read an export_evidence document into a migrated database that holds no evidence yet, keeping "
        "ids and history as exported. All or nothing: any problem writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The exported JSON document, or - for standard input.")

    def handle(self, *args, file: str, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            report = import_evidence(parse(text))
        except ImportRefused as refusal:
            raise CommandError(f"Nothing was imported. {refusal}") from None
        for table, count in report.rows.items():
            self.stdout.write(f"{table}: {count} rows")
        if report.users_created:
            self.stdout.write(
                "Created as inactive users without a password, to keep who did what: "
                + ", ".join(report.users_created)
            )
        self.stdout.write(self.style.SUCCESS("Evidence imported."))
