import dataclasses
import functools
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.models import Framework
from snippets.models import Snippet
from snippets.runner import Check, RunResult, SnippetSpec, environment_for, run
from snippets.verification import (
    Target,
    describe,
    forget_unneeded,
    framework_requirement,
    plan,
    pypi_releases,
    record,
)

# One virtualenv per framework version and requirement set, kept between runs.
DEFAULT_CACHE_DIR = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "compare-site" / "snippet-environments"
)


class Command(BaseCommand):
    help = (
        "Run every published snippet in an isolated virtualenv with its framework at the current "
        "version (and at the newest release inside the snippet's own scope, when that leaves the "
        "current version out), send the request it declares, and record what happened. For an "
        "operator or CI: the site itself never runs code."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--snippet",
            dest="keys",
            nargs="+",
            action="extend",
            default=[],
            metavar="KEY",
            help="Only these snippets, by seed key or id.",
        )
        parser.add_argument("--framework", metavar="SLUG", help="Only this framework's snippets.")
        parser.add_argument(
            "--cache-dir",
            type=Path,
            default=DEFAULT_CACHE_DIR,
            help=f"Where the virtualenvs are kept and reused (default: {DEFAULT_CACHE_DIR}).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=180.0,
            help="Seconds each step may take: installing, starting, the request, the whole run "
            "(default 180).",
        )
        parser.add_argument(
            "--fail-on-error",
            action="store_true",
            help="Exit with an error when any run did not pass (for CI).",
        )

    def handle(self, *args, keys, framework, cache_dir: Path, timeout: float, fail_on_error: bool, **options):
        if timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds.")
        snippets = self._chosen(keys, framework)
        releases_of = functools.cache(lambda framework: self._releases(framework, timeout))
        runs = failures = 0
        for snippet in snippets:
            try:
                targets = plan(snippet, releases_of)
            except Exception as error:  # a snippet's own problem never stops the others
                self.stderr.write(f"{snippet.seed_key or snippet.pk}: not run: {error}")
                failures += 1
                continue
            forget_unneeded(snippet, targets)
            if not targets:
                self.stdout.write(
                    f"{snippet.seed_key or snippet.pk}: not run: {snippet.framework} has no version."
                )
            for target in targets:
                result = self._run(snippet, target, cache_dir, timeout)
                kept = record(snippet, target, result)
                self.stdout.write(describe(snippet, kept))
                runs += 1
                failures += not kept.ok
        self.stdout.write(f"{runs} runs of {len(snippets)} snippets; {failures} did not pass.")
        if fail_on_error and failures:
            raise CommandError(f"{failures} runs did not pass.")

    def _chosen(self, keys: list[str], framework: str | None) -> list[Snippet]:
        snippets = Snippet.objects.published().select_related("framework", "task").order_by("framework", "id")
        if framework is not None:
            if not Framework.objects.filter(slug=framework).exists():
                raise CommandError(f"No framework {framework!r}.")
            snippets = snippets.filter(framework__slug=framework)
        if keys:
            ids = [int(key) for key in keys if key.isdigit()]
            snippets = [s for s in snippets if s.seed_key in keys or s.pk in ids]
            found = {s.seed_key for s in snippets} | {str(s.pk) for s in snippets}
            if unknown := [key for key in keys if key not in found]:
                raise CommandError(f"No published snippet {', '.join(unknown)}.")
        return list(snippets)

    def _releases(self, framework: Framework, timeout: float) -> list[str]:
        try:
            return pypi_releases(framework, timeout)
        except (OSError, ValueError) as error:
            self.stderr.write(f"{framework}: its releases could not be read from PyPI ({error}).")
            return []

    def _run(self, snippet: Snippet, target: Target, cache_dir: Path, timeout: float) -> RunResult:
        requirement = framework_requirement(snippet.framework, target.version)
        try:
            environment = environment_for(requirement, tuple(snippet.requirements), cache_dir, timeout)
            if isinstance(environment, RunResult):  # it could not be installed
                return without_local_paths(environment, cache_dir)
            return without_local_paths(run(spec_of(snippet), environment, timeout), cache_dir)
        except Exception as error:  # recorded like any failure; the other snippets still run
            return RunResult(
                ok=False,
                outcome="failed",
                installed={},
                error_tail=f"The runner itself failed: {type(error).__name__}: {error}",
                duration_seconds=0.0,
            )


def without_local_paths(result: RunResult, cache_dir: Path) -> RunResult:
    """The result with this machine's virtualenv folder left out of its error: visitors read it."""
    tail = result.error_tail
    for folder in {str(cache_dir), str(cache_dir.resolve())}:
        tail = tail.replace(folder, "<virtualenv>")
    return dataclasses.replace(result, error_tail=tail)


def spec_of(snippet: Snippet) -> SnippetSpec:
    check = Check(
        kind=snippet.check_kind,
        method=snippet.check_method,
        path=snippet.check_path,
        expect_status=snippet.expect_status,
        expect_body=snippet.expect_body,
    )
    return SnippetSpec(
        files=dict(snippet.files),
        command=snippet.command,
        check=check,
        requirements=tuple(snippet.requirements),
    )
