"""Which frameworks a visitor or a client asked for: the one reading of a choice of frameworks,
for the compare page, the matrix API and the recommendations API."""

from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.core.validators import slug_re

from .models import Framework

# More columns than this make no comparison; and the list, the query and the message stay short.
MOST_FRAMEWORKS = 10
# How much of a slug a refusal repeats: whatever was sent, the message stays readable.
SHOWN_LENGTH = 50


class FrameworkChoiceError(ValidationError):
    """The frameworks asked for cannot be compared; the message says why, naming unknown slugs."""

    def __init__(self, message: str):
        super().__init__(message, code="framework_choice")

    def __str__(self) -> str:
        return self.message


def asked_slugs(raw: str | Iterable[str] | None) -> list[str]:
    """The slugs in "flask, Django", or in a list of such values (a repeated query parameter, a JSON
    list): trimmed, lowercased, blanks dropped, each once in the order first asked."""
    values = [raw] if isinstance(raw, str) else list(raw or ())
    slugs = (slug.strip().lower() for value in values for slug in str(value).split(","))
    return list(dict.fromkeys(slug for slug in slugs if slug))


def parse_framework_choice(
    raw: str | Iterable[str] | None,
    known: Collection[str] | None = None,
    *,
    fewest: int = 1,
    most: int = MOST_FRAMEWORKS,
    required: bool = False,
) -> list[str]:
    """The frameworks asked for in `raw` (see asked_slugs); [] when none is, unless `required`.

    Refused with FrameworkChoiceError: nothing asked when `required`, more than `most`, any slug
    not in `known` (the message names them), fewer than `fewest`. Without `known`, the visible
    frameworks are looked up: one query, for slug-shaped text only."""
    asked = asked_slugs(raw)
    if not asked:
        if required:
            raise FrameworkChoiceError("Name at least one framework, or leave the list out.")
        return []
    if len(asked) > most:
        raise FrameworkChoiceError(f"Pick at most {most} frameworks; {len(asked)} were asked for.")
    if known is None:
        shaped = [slug for slug in asked if slug_re.match(slug)]
        known = set(Framework.objects.filter(slug__in=shaped).values_list("slug", flat=True))
    unknown = [slug[:SHOWN_LENGTH] for slug in asked if slug not in known]
    if unknown:
        raise FrameworkChoiceError(f"Unknown framework(s): {', '.join(unknown)}.")
    if len(asked) < fewest:
        raise FrameworkChoiceError(f"Pick at least {fewest} frameworks to compare.")
    return asked
