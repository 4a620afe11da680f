from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataset.evidence_export import ExportError, dumps, export_evidence, row_count


class Command(BaseCommand):
    help = (
        "Write the evidence (criteria, frameworks, sources, claims) and the questionnaire, with their "
        "full history, as one JSON document that import_evidence reads. The same data always gives "
        "the same bytes. Synthetic benchmark rows are left out unless --include-synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")
        parser.add_argument(
            "--include-synthetic",
            action="store_true",
            help="Also write the rows seed_synthetic generated (left out by default).",
        )

    def handle(self, *args, output: Path | None, include_synthetic: bool, **options):
        try:
            document = export_evidence(include_synthetic=include_synthetic)
        except ExportError as error:
            raise CommandError(str(error)) from None
        text = dumps(document)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from None
        users = len(document["users"])
        self.stdout.write(f"{row_count(document)} rows and {users} users written to {output}.")
