"""Code side by side: small tasks, each framework's snippet for them, and what running them showed.

A snippet is evidence like a claim: cited (quoted or adapted from a source, or written by an
editor and labelled so), scoped to the framework versions it is for, and published through the
same review workflow. What `manage.py verify_snippets` found when it ran one is a VerificationRun:
at the framework's current version and, when that is another version, at the newest release inside
the snippet's scope.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from frameworks.fields import seed_key_field
from frameworks.models import Framework, Reviewed, Source, SourceText, WorkflowError
from frameworks.models.review import retired_reason_field, review_constraints
from frameworks.querysets import ReviewedQuerySet
from frameworks.quote_location import fold_whitespace, locate, not_found_message
from frameworks.versions import SCOPE_HELP, describe_scope, in_scope, validate_scope

from .error_lines import error_summary as summarise_error
from .validators import validate_command, validate_files, validate_requirements


class Task(models.Model):
    """A small, named job that each framework's snippet does: "a JSON endpoint", "a test of a view"."""

    slug = models.SlugField(unique=True, help_text="Stable identifier used in URLs and the seed data.")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="What the code must do, in a sentence or two.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Tasks are listed by this, then name.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SnippetQuerySet(ReviewedQuerySet):
    def for_pages(self):
        """With what a page or an API answer shows of each: its task, framework, source and runs."""
        return self.select_related("task", "framework", "source").prefetch_related("runs")

    def verified(self, ok: bool = True):
        """Those whose last run at their framework's current version passed (or, ok=False, did not)."""
        return self.filter(runs__target=VerificationRun.Target.CURRENT, runs__ok=ok)

    def unchecked(self):
        """Those never run at their framework's current version."""
        return self.exclude(runs__target=VerificationRun.Target.CURRENT)


class Snippet(Reviewed):
    class Origin(models.TextChoices):
        QUOTED = "quoted", "Quoted verbatim from its source"
        ADAPTED = "adapted", "Adapted from its source"
        EDITOR = "editor", "Written by an editor"

    class CheckKind(models.TextChoices):
        REQUEST = "request", "Start it and send one request"
        EXIT = "exit", "Run it to completion"

    class Method(models.TextChoices):
        GET = "GET"
        POST = "POST"
        PUT = "PUT"
        PATCH = "PATCH"
        DELETE = "DELETE"
        HEAD = "HEAD"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="snippets")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="snippets")
    title = models.CharField(max_length=200)
    files = models.JSONField(
        default=dict,
        validators=[validate_files],
        help_text='The files, by relative path: {"app.py": "from flask import Flask ..."}.',
    )
    command = models.CharField(
        max_length=500,
        validators=[validate_command],
        help_text="How to run it, never through a shell: {python} is the virtualenv's python, {port} a "
        "free port on 127.0.0.1. For example: {python} -m flask --app app run --port {port}",
    )
    check_kind = models.CharField(
        "check", max_length=10, choices=CheckKind.choices, default=CheckKind.REQUEST
    )
    check_method = models.CharField("method", max_length=10, choices=Method.choices, default=Method.GET)
    check_path = models.CharField(
        "path",
        max_length=300,
        default="/",
        help_text="For a request: the path and query, such as /?name=World.",
    )
    expect_status = models.PositiveSmallIntegerField(
        "expected status",
        default=200,
        help_text="For a request: the HTTP status expected. For a run to completion: the exit code (0).",
    )
    expect_body = models.CharField(
        "expected text",
        max_length=300,
        blank=True,
        help_text="A fragment the response body (or, for a run, its output) must contain.",
    )
    requirements = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_requirements],
        help_text='What it needs besides the framework, as PEP 508 requirements: ["flask-sqlalchemy"].',
    )
    applies_to = models.CharField(
        "applies to versions", max_length=100, blank=True, validators=[validate_scope], help_text=SCOPE_HELP
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.QUOTED)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snippets",
        help_text="Where the code comes from; empty only for code written by an editor.",
    )
    quote = models.TextField(
        blank=True,
        help_text="The code as the source prints it, verbatim: required for quoted and adapted code.",
    )
    note = models.TextField(blank=True, help_text="For adapted code: what was changed, and why.")
    retired_reason = retired_reason_field("snippet")
    seed_key = seed_key_field("snippets")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = SnippetQuerySet.as_manager()

    class Meta:
        ordering = ["task__position", "framework__name", "id"]
        permissions = [
            ("publish_snippet", "Can publish snippets"),
            ("retire_snippet", "Can retire snippets"),
        ]
        constraints = [
            *review_constraints("snippet"),
            models.CheckConstraint(
                condition=models.Q(origin="editor", source__isnull=True)
                | (~models.Q(origin="editor") & models.Q(source__isnull=False)),
                name="snippet_cites_a_source_unless_written_by_an_editor",
                violation_error_message="Quoted and adapted code cites its source; an editor's own has none.",
            ),
            models.CheckConstraint(
                condition=models.Q(origin="editor") | ~models.Q(Exact(Trim("quote"), "")),
                name="snippet_from_a_source_quotes_it",
                violation_error_message="Quoted and adapted code carries the source's code, verbatim.",
            ),
        ]
        indexes = [models.Index(fields=["status", "task", "framework"])]

    def __str__(self) -> str:
        return f"{self.framework} / {self.task}: {self.title}"

    def clean(self):
        errors = {}
        if self.origin == self.Origin.EDITOR:
            if self.source_id is not None:
                errors["source"] = "Code written by an editor cites no source: choose quoted or adapted."
        else:
            if self.source_id is None:
                errors["source"] = f"{self.get_origin_display()} code cites its source: choose it."
            if not self.quote.strip():
                errors["quote"] = (
                    "Copy the source's code here, verbatim, to show where the snippet comes from."
                )
            elif self.origin == self.Origin.QUOTED and not self._files_hold_quote():
                errors["quote"] = (
                    "Quoted code is the source's, unchanged: the files must contain the quote. If you "
                    "changed it, choose adapted and say how in the note."
                )
        if self.origin == self.Origin.ADAPTED and not self.note.strip():
            errors["note"] = "Say what was changed from the source's code, and why."
        if self.check_kind == self.CheckKind.REQUEST:
            if "{port}" not in self.command:
                errors["command"] = (
                    "A snippet checked by a request must serve on {port}: put it in the command."
                )
            if not self.check_path.startswith("/"):
                errors["check_path"] = "The path starts with /, such as / or /?name=World."
        if errors:
            raise ValidationError(errors)

    def _files_hold_quote(self) -> bool:
        if not isinstance(self.files, dict):
            return True  # the files' own validator says what is wrong with them
        quote = fold_whitespace(self.quote)
        return any(quote in fold_whitespace(str(content)) for content in self.files.values())

    def check_publishable(self) -> None:
        """Code from a source is published once its quote is found in the source's stored text, as a
        claim's is; a source without a stored text cannot be checked, so that is said, not blocked."""
        if self.origin == self.Origin.EDITOR or self.source_id is None:
            return
        text = SourceText.objects.filter(source_id=self.source_id).values_list("text", flat=True).first()
        if text is not None and locate(self.quote, text) is None:
            raise WorkflowError(not_found_message(self.quote, text), code="quote_not_found")

    @property
    def line_count(self) -> int:
        """Lines of code across its files, blank lines left out."""
        files = self.files if isinstance(self.files, dict) else {}
        return sum(1 for content in files.values() for line in str(content).splitlines() if line.strip())

    @property
    def in_scope(self) -> bool:
        """Whether the framework's current version is one the snippet was written for."""
        return in_scope(self.applies_to, self.framework.current_version)

    @property
    def written_for(self) -> str:
        """ "Flask <3.0", or "" when written for every version."""
        return describe_scope(self.applies_to, self.framework.name)

    def _run(self, target: str) -> "VerificationRun | None":
        # From the prefetched runs (SnippetQuerySet.for_pages): no query per snippet.
        return next((run for run in self.runs.all() if run.target == target), None)

    @property
    def current_run(self) -> "VerificationRun | None":
        return self._run(VerificationRun.Target.CURRENT)

    @property
    def scope_run(self) -> "VerificationRun | None":
        """The run at the newest release inside its scope, when that is not the current version; not
        shown once an edit of the scope leaves the version it ran on out (until the next check)."""
        run = self._run(VerificationRun.Target.SCOPE)
        if run is None or run.framework_version == self.framework.current_version:
            return None
        return run if in_scope(self.applies_to, run.framework_version) else None


class VerificationRun(models.Model):
    """The last time `manage.py verify_snippets` ran a snippet at one version of its framework."""

    class Target(models.TextChoices):
        CURRENT = "current", "The framework's current version"
        SCOPE = "scope", "The newest release inside the snippet's scope"

    class Outcome(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        TIMED_OUT = "timed-out", "Timed out"
        INSTALL_FAILED = "install-failed", "Could not be installed"

    snippet = models.ForeignKey(Snippet, on_delete=models.CASCADE, related_name="runs")
    target = models.CharField(max_length=10, choices=Target.choices)
    framework_version = models.CharField(max_length=50, help_text="The framework's version it ran on.")
    ok = models.BooleanField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    installed = models.JSONField(
        default=dict, help_text="Every distribution installed, at its exact version."
    )
    error_tail = models.TextField(blank=True, help_text="The last lines of the failing step's output.")
    duration_seconds = models.FloatField(default=0)
    ran_at = models.DateTimeField()

    class Meta:
        ordering = ["snippet", "target"]
        constraints = [
            models.UniqueConstraint(fields=["snippet", "target"], name="one_run_per_snippet_and_target"),
            models.CheckConstraint(
                condition=models.Q(ok=False) | models.Q(outcome="passed"),
                name="verification_run_ok_only_when_passed",
                violation_error_message="Only a run that passed is ok.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snippet} on {self.framework_version}: {self.outcome}"

    @property
    def error_summary(self) -> str:
        """The line that says what went wrong, shortened: see snippets/error_lines.py."""
        line = summarise_error(self.error_tail)
        return line if len(line) <= 160 else line[:159] + "…"
