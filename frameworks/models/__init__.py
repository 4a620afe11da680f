"""The evidence models: frameworks and sources (catalogue), claims (claims) and the review workflow
they share with other editorial records (review), proposed changes to cited sources
(source_changes), the texts quotes are checked against (source_text). Importing them
here registers them with the app."""

from ..fields import HttpURLField  # noqa: F401 (migrations name it frameworks.models.HttpURLField)
from ..staleness import CLAIM_DATE, stale_cutoff
from .catalogue import Framework, Source, describe_publication
from .claims import RETIREMENT_NEEDS_A_REASON, Claim, ProblemReport, location_fields
from .review import EditConflict, Reviewed, WorkflowError, retirement_needs_a_reason
from .source_changes import CITATION_FIELDS, SourceChange, review
from .source_text import MAX_SOURCE_TEXT_BYTES, SourceText

__all__ = [
    "CITATION_FIELDS",
    "CLAIM_DATE",
    "MAX_SOURCE_TEXT_BYTES",
    "RETIREMENT_NEEDS_A_REASON",
    "Claim",
    "EditConflict",
    "Framework",
    "ProblemReport",
    "Reviewed",
    "Source",
    "SourceChange",
    "SourceText",
    "WorkflowError",
    "describe_publication",
    "location_fields",
    "retirement_needs_a_reason",
    "review",
    "stale_cutoff",
]
