"""The evidence models: frameworks and sources (catalogue), claims (claims), proposed changes to
cited sources (source_changes). Importing them here registers them with the app."""

from ..fields import HttpURLField  # noqa: F401 (migrations name it frameworks.models.HttpURLField)
from ..staleness import CLAIM_DATE, stale_cutoff
from .catalogue import Framework, Source, describe_publication
from .claims import RETIREMENT_NEEDS_A_REASON, Claim, EditConflict, ProblemReport, WorkflowError
from .source_changes import CITATION_FIELDS, SourceChange, review

__all__ = [
    "CITATION_FIELDS",
    "CLAIM_DATE",
    "RETIREMENT_NEEDS_A_REASON",
    "Claim",
    "EditConflict",
    "Framework",
    "ProblemReport",
    "Source",
    "SourceChange",
    "WorkflowError",
    "describe_publication",
    "review",
    "stale_cutoff",
]
