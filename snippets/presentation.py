"""What the code pages show of a snippet: its highlighted files and a badge saying whether it runs."""

from dataclasses import dataclass

from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from .highlight import CodeFile, highlighted, highlighted_command
from .models import Snippet, VerificationRun


@dataclass(frozen=True)
class Badge:
    kind: str  # "runs", "fails", "unchecked": the CSS class and what a test looks for
    text: str  # "runs on Flask 3.1.3 (checked 1 December 2026)"
    detail: str = ""  # the error's last lines, for a run that failed


def badge(snippet: Snippet, run: VerificationRun | None, newest_in_scope: bool = False) -> Badge:
    """ "runs on Flask 3.1.3 (checked 1 December 2026)", "fails on Flask 3.1.3: ImportError: ...", or
    "not checked yet". `newest_in_scope` words a run at the newest release the snippet was written for."""
    if run is None:
        return Badge("unchecked", "not checked yet")
    on = f"{snippet.framework.name} {run.framework_version}"
    if newest_in_scope:
        on += ", the newest release it was written for"
    checked = f"(checked {date_format(run.ran_at, 'j F Y')})"
    summary = f": {run.error_summary}" if run.error_summary else ""
    match run.outcome:
        case VerificationRun.Outcome.PASSED:
            return Badge("runs", f"runs on {on} {checked}")
        case VerificationRun.Outcome.TIMED_OUT:
            return Badge("fails", f"timed out on {on} {checked}", run.error_tail)
        case VerificationRun.Outcome.INSTALL_FAILED:
            return Badge("fails", f"could not be installed with {on}{summary} {checked}", run.error_tail)
    return Badge("fails", f"fails on {on}{summary} {checked}", run.error_tail)


@dataclass(frozen=True)
class SnippetView:
    snippet: Snippet
    files: list[CodeFile]
    command: SafeString
    badge: Badge
    scope_badge: Badge | None  # at the newest release inside its scope, when that leaves out the current

    @property
    def checked_before_current(self) -> bool:
        """Its last run was at another version than the framework's current one (not checked there)."""
        run = self.snippet.current_run
        return run is not None and run.framework_version != self.snippet.framework.current_version


def snippet_view(snippet: Snippet) -> SnippetView:
    scope_run = snippet.scope_run
    return SnippetView(
        snippet=snippet,
        files=[highlighted(path, content) for path, content in sorted(snippet.files.items())],
        command=highlighted_command(snippet.command),
        badge=badge(snippet, snippet.current_run),
        scope_badge=badge(snippet, scope_run, newest_in_scope=True) if scope_run else None,
    )
