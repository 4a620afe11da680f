"""What a snippet's files, command and requirements must look like before anything may run them.

The runner writes the files into a fresh temporary directory and splits the command with shlex, so
a path must stay inside that directory and the command must be one it can split and fill in.
"""

import re
import shlex

from django.core.exceptions import ValidationError
from packaging.requirements import InvalidRequirement, Requirement

# A task's code is a few short files; more would not be a snippet (and would not fit a page).
MOST_FILES = 10
MOST_FILE_BYTES = 32 * 1024
MOST_REQUIREMENTS = 10

# The command's placeholders: the virtualenv's python and a free port on 127.0.0.1.
PLACEHOLDERS = {"python", "port"}

_SAFE_PART = re.compile(r"^[A-Za-z0-9_.-]+$")


def validate_files(files) -> None:
    """A mapping of relative paths ("app.py", "templates/hello.html") to their text."""
    if not isinstance(files, dict) or not files:
        raise ValidationError("Give the snippet's files as a mapping of relative paths to their text.")
    if len(files) > MOST_FILES:
        raise ValidationError(f"A snippet has at most {MOST_FILES} files; this one has {len(files)}.")
    for path, content in files.items():
        validate_file_path(path)
        if not isinstance(content, str):
            raise ValidationError(f"{path}: a file's content is text.", code="invalid_file")
        if len(content.encode("utf-8", "surrogatepass")) > MOST_FILE_BYTES:
            raise ValidationError(f"{path}: longer than {MOST_FILE_BYTES // 1024} KB.", code="invalid_file")


def validate_file_path(path) -> None:
    """Relative, forward slashes, no "..", no hidden or odd names: it stays in the run's directory."""
    shown = str(path)[:100]
    if not isinstance(path, str) or not path.strip():
        raise ValidationError("A file needs a name, such as app.py.", code="invalid_path")
    if path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", path) or "\\" in path:
        raise ValidationError(
            f"{shown!r}: give a relative path with forward slashes, such as app.py or templates/index.html.",
            code="invalid_path",
        )
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValidationError(f"{shown!r}: a path may not contain empty, . or .. parts.", code="invalid_path")
    if not all(_SAFE_PART.match(part) and not part.startswith(".") for part in parts):
        raise ValidationError(
            f"{shown!r}: use letters, digits, '_', '-' and '.' in names, none starting with '.'.",
            code="invalid_path",
        )


def validate_requirements(requirements) -> None:
    """A list of PEP 508 requirements besides the framework itself ("flask-sqlalchemy", "pytest>=8")."""
    if not isinstance(requirements, list):
        raise ValidationError('Give the requirements as a list, such as ["flask-sqlalchemy", "pytest>=8"].')
    if len(requirements) > MOST_REQUIREMENTS:
        raise ValidationError(f"A snippet needs at most {MOST_REQUIREMENTS} requirements.")
    for requirement in requirements:
        if not isinstance(requirement, str):
            raise ValidationError("Each requirement is a text such as flask-sqlalchemy>=3.", code="invalid")
        try:
            parsed = Requirement(requirement)
        except InvalidRequirement as error:
            raise ValidationError(
                f"{requirement[:100]!r} is not a PEP 508 requirement ({error}); for example "
                "flask-sqlalchemy or pytest>=8.",
                code="invalid_requirement",
            ) from None
        if parsed.url:
            # Only the package index: a URL could fetch anything from anywhere.
            raise ValidationError(
                f"{requirement[:100]!r}: name a package on PyPI, not a URL.", code="invalid_requirement"
            )


def validate_command(command: str) -> None:
    """One command line, split like a shell would but never run by one, with {python} and {port}."""
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise ValidationError(f"The command cannot be split into words: {error}.", code="invalid") from None
    if not words:
        raise ValidationError("Give the command that runs the snippet.", code="invalid")
    unknown = set(re.findall(r"\{([^{}]*)\}", command)) - PLACEHOLDERS
    if unknown:
        raise ValidationError(
            f"The command's only placeholders are {{python}} (the virtualenv's python) and {{port}} "
            f"(a free port on 127.0.0.1), not {', '.join(sorted(unknown))[:100]}.",
            code="invalid",
        )
