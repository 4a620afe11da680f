"""Which versions `manage.py verify_snippets` runs a snippet at, and how it records what it found.

Only that command runs code (snippets/runner.py, which nothing the web process loads imports: an
import-linter contract keeps it so). This module plans and records; it runs nothing itself.
"""

import datetime
import json
import platform
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from frameworks.models import Framework

from .models import Snippet, VerificationRun

# A framework's distribution on PyPI is named like its slug, except where this says otherwise.
PYPI_NAMES: dict[str, str] = {}

PYPI_JSON = "https://pypi.org/pypi/{name}/json"


def pypi_name(framework: Framework) -> str:
    return PYPI_NAMES.get(framework.slug, framework.slug)


def framework_requirement(framework: Framework, version: str) -> str:
    """The requirement that installs exactly this release: "flask==3.1.3"."""
    return f"{pypi_name(framework)}=={version}"


@dataclass(frozen=True)
class Target:
    """One run to make: at the framework's current version, or the newest inside the snippet's scope."""

    kind: str  # VerificationRun.Target
    version: str


def newest_in_scope(releases: Iterable[str], scope: str) -> str | None:
    """The newest final release (no pre-release, no development release) inside `scope`; None if none is."""
    try:
        specifier = SpecifierSet(scope)
    except InvalidSpecifier:
        return None
    versions = []
    for release in releases:
        try:
            version = Version(release)
        except InvalidVersion:
            continue
        if not version.is_prerelease and specifier.contains(version):
            versions.append(version)
    return str(max(versions)) if versions else None


def plan(snippet: Snippet, releases_of) -> list[Target]:
    """The runs a snippet needs: at its framework's current version, and at the newest release inside
    the snippet's scope when that is another version (the scope leaves the current version out, or
    PyPI has released a newer one inside it). `releases_of(framework)` gives the framework's released
    versions (none when PyPI cannot be read: then the current version only)."""
    current = snippet.framework.current_version
    targets = [Target(VerificationRun.Target.CURRENT, current)] if current else []
    newest = newest_in_scope(releases_of(snippet.framework), snippet.applies_to.strip())
    if newest is not None and newest != current:
        targets.append(Target(VerificationRun.Target.SCOPE, newest))
    return targets


def pypi_releases(framework: Framework, timeout: float) -> list[str]:
    """The framework's versions on PyPI that this Python can install (PyPI's JSON API): with a file
    that is not yanked and whose Requires-Python admits the interpreter the virtualenvs are made
    from (Django 6 needs Python 3.12, so a 3.11 site checks its snippets on 5.2)."""
    url = PYPI_JSON.format(name=pypi_name(framework))
    with urllib.request.urlopen(url, timeout=timeout) as response:
        document = json.load(response)
    return [
        version
        for version, files in document.get("releases", {}).items()
        if any(not file.get("yanked") and _admits_this_python(file.get("requires_python")) for file in files)
    ]


def _admits_this_python(requires_python: str | None) -> bool:
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(platform.python_version())
    except InvalidSpecifier:  # an old release's malformed metadata: pip would not refuse it either
        return True


class RunResult(Protocol):
    """What the runner (snippets/runner.py) answers with; recorded as it is."""

    ok: bool
    outcome: str
    installed: dict[str, str]
    error_tail: str
    duration_seconds: float


def record(
    snippet: Snippet, target: Target, result: RunResult, ran_at: datetime.datetime | None = None
) -> VerificationRun:
    """Keep what one run found as the snippet's run at that target, replacing the one before."""
    run, _ = VerificationRun.objects.update_or_create(
        snippet=snippet,
        target=target.kind,
        defaults={
            "framework_version": target.version,
            "ok": bool(result.ok) and result.outcome == VerificationRun.Outcome.PASSED,
            "outcome": result.outcome,
            "installed": dict(result.installed),
            "error_tail": result.error_tail,
            "duration_seconds": result.duration_seconds,
            "ran_at": ran_at or timezone.now(),
        },
    )
    return run


def forget_unneeded(snippet: Snippet, targets: list[Target]) -> None:
    """Drop a run at a target the snippet no longer needs (the newest release in its scope is now current)."""
    snippet.runs.exclude(target__in=[target.kind for target in targets]).delete()


def describe(snippet: Snippet, run: VerificationRun) -> str:
    """One line for the command's output: "flask-hello-world  Flask 3.1.3  passed  (2.1 s)"."""
    name = snippet.seed_key or f"snippet {snippet.pk}"
    line = f"{name}  {snippet.framework.name} {run.framework_version}  {run.outcome}"
    line += f"  ({run.duration_seconds:.1f} s)"
    return f"{line}: {run.error_summary}" if run.error_summary and not run.ok else line
