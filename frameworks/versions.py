"""Version scopes: which releases of a framework a claim is about, as a PEP 440 specifier.

A claim counts for a framework when the framework's current version is inside the claim's scope;
an empty scope means every version. Pre-releases count like releases ("<2.0" excludes 2.0rc1).
"""

from django.core.exceptions import ValidationError
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

SCOPE_HELP = 'A PEP 440 specifier: "<2.0", ">=3.0", ">=2.0,<3". Leave empty for every version.'


def validate_scope(text: str) -> None:
    try:
        SpecifierSet(text)
    except InvalidSpecifier:
        raise ValidationError(
            f"{text!r} is not a version scope. {SCOPE_HELP} (A bare version such as 5.2 needs an "
            "operator: ==5.2.* for that release line.)",
            code="invalid_scope",
        ) from None


def validate_version(text: str) -> None:
    try:
        Version(text)
    except InvalidVersion:
        raise ValidationError(
            f"{text!r} is not a version number (PEP 440), such as 3.1.3 or 5.2.19.", code="invalid_version"
        ) from None


def in_scope(scope: str, version: str) -> bool:
    """Whether `version` is inside `scope`. Unknown or unparsable input never hides a claim."""
    if not scope.strip() or not version.strip():
        return True
    try:
        return SpecifierSet(scope).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True


def describe_scope(scope: str, framework: str) -> str:
    """ "Flask <2.0", or "" for every version."""
    return f"{framework} {scope}" if scope.strip() else ""
