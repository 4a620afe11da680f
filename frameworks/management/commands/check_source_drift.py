import json

from django.core.management.base import BaseCommand, CommandError

from frameworks.drift import Drift, SourceDrift, check_sources, sources_to_check

QUOTE_START = 60  # characters of a quote the report shows


class Command(BaseCommand):
    help = (
        "Read each source's address again and report whether its page still holds its claims' quotes: "
        "the text same as or changed from the stored one (with both SHA-256s), and the claims "
        "(published first) whose quote the page no longer holds, each with the page's nearest passage. "
        "A source that cannot be read (a timeout, an HTTP error, a page that is not text) is reported "
        "on its line and the check goes on. Nothing is changed: to act on the report, an editor stores "
        "the new text (Source texts in the admin), and drafts claims that supersede, or retires, those "
        "whose quotes are gone (the admin refuses a new text that loses a published claim's quote). "
        "Exits 0 unless --fail-on-drift is given and a published claim's quote is missing (then 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            dest="slugs",
            default=[],
            metavar="SLUG",
            help="Check only this source (repeat for more). Default: every source with a URL.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="Seconds allowed for each page (default 10).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON list, one object per source, instead."
        )
        parser.add_argument(
            "--fail-on-drift",
            action="store_true",
            help="Exit with status 1 when a published claim's quote is not on its source's page.",
        )

    def handle(self, *args, slugs, timeout, fail_on_drift, **options):
        as_json = options["json"]
        if timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds.")
        try:
            sources = sources_to_check(slugs)
        except LookupError as unknown:
            raise CommandError(f"No source with a URL has the slug(s): {unknown}.") from None
        reports = []
        for report in check_sources(sources, timeout):
            reports.append(report)
            if not as_json:
                self._write(report)
        if as_json:
            self.stdout.write(
                json.dumps([report.as_json() for report in reports], indent=2, ensure_ascii=False)
            )
        else:
            self.stdout.write(_summary(reports))
        missing = [quote.claim_id for report in reports for quote in report.missing_published]
        if fail_on_drift and missing:
            raise CommandError(
                f"{len(missing)} published claim(s) quote what their source's page no longer holds: "
                + ", ".join(f"claim {claim_id}" for claim_id in missing)
                + "."
            )

    def _write(self, report: SourceDrift) -> None:
        self.stdout.write(f"{report.slug} ({report.url}): {_outcome(report)}")
        for quote in report.missing:
            self.stdout.write(
                f"  - claim {quote.claim_id}, {quote.status}, {quote.framework} / {quote.criterion}: "
                f"\u201c{_start(quote.quote)}\u201d not found"
            )
            nearest = f"\u201c{quote.nearest_passage}\u201d" if quote.nearest_passage else "none"
            self.stdout.write(f"    nearest passage: {nearest}")


def _outcome(report: SourceDrift) -> str:
    if report.status == Drift.UNREACHABLE:
        return f"unreachable: {report.error} ({_count(report.claims, 'quote')} not checked)"
    text = {
        Drift.SAME: f"same text as stored (sha256 {report.current_sha256})",
        Drift.CHANGED: f"changed (stored sha256 {report.stored_sha256}, now {report.current_sha256})",
        Drift.NO_STORED_TEXT: f"no stored text to compare (now sha256 {report.current_sha256})",
    }[report.status]
    if not report.missing:
        return f"{text}; {_count(report.claims, 'quote')} found"
    return f"{text}; {len(report.missing)} of {_count(report.claims, 'quote')} not found"


def _summary(reports: list[SourceDrift]) -> str:
    counts = {status: sum(report.status == status for report in reports) for status in Drift}
    missing = [quote for report in reports for quote in report.missing]
    published = sum(quote.is_published for quote in missing)
    return (
        f"{_count(len(reports), 'source')} checked: {counts[Drift.SAME]} same, "
        f"{counts[Drift.CHANGED]} changed, {counts[Drift.NO_STORED_TEXT]} with no stored text, "
        f"{counts[Drift.UNREACHABLE]} unreachable; {_count(len(missing), 'quote')} not found "
        f"({published} of published claims)."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _start(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= QUOTE_START else quote[: QUOTE_START - 1].rstrip() + "\u2026"
