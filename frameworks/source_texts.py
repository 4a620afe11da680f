"""Storing a source's text, which its claims' quotes are checked against, and checking them again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from .models import MAX_SOURCE_TEXT_BYTES, Claim, Source, SourceText, location_fields
from .quote_location import locate

# How many of the published claims a refused text would orphan the message names.
NAMED_IN_A_REFUSAL = 5


def decode_upload(data: bytes, name: str) -> str:
    """An uploaded file's text; ValidationError when it is too large or not UTF-8."""
    check_size(len(data), name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{name} is not UTF-8 text (the byte at position {error.start} is not valid UTF-8). "
            "Save it as UTF-8 (or copy its text into the text box) and try again.",
            code="not_utf8",
        ) from None


def check_size(size: int, name: str) -> None:
    if size > MAX_SOURCE_TEXT_BYTES:
        raise ValidationError(
            f"{name} is {filesizeformat(size)}; a source's text may be at most "
            f"{filesizeformat(MAX_SOURCE_TEXT_BYTES)}. Store the part of the document that the claims quote.",
            code="too_large",
        )


def check_keeps_published_quotes(source: Source, text: str) -> None:
    """Refuse a text that lacks a published claim's quote: visitors were told the quote is in it."""
    missing = [
        claim
        for claim in Claim.objects.filter(source=source, status=Claim.Status.PUBLISHED)
        if locate(claim.quote, text) is None
    ]
    if missing:
        named = "; ".join(
            f"claim {claim.pk}, \u201c{claim.quote[:60]}\u201d" for claim in missing[:NAMED_IN_A_REFUSAL]
        )
        more = f" and {len(missing) - NAMED_IN_A_REFUSAL} more" if len(missing) > NAMED_IN_A_REFUSAL else ""
        raise ValidationError(
            f"This text does not hold the quotes of {len(missing)} published claim(s) of this source "
            f"({named}{more}), so it was not stored. Check that it is the right document; if the page "
            "itself changed, supersede or retire those claims first.",
            code="loses_published_quotes",
        )


@transaction.atomic
def store_text(source: Source, text: str, origin: str) -> SourceText:
    """Keep `text` as the source's text and locate every one of its claims' quotes in it again."""
    check_size(len(text.encode("utf-8")), "The text")
    check_keeps_published_quotes(source, text)
    stored, _ = SourceText.objects.update_or_create(source=source, defaults={"text": text, "origin": origin})
    relocate_quotes(source, text)
    return stored


def relocate_quotes(source: Source, text: str) -> int:
    """Record where each of the source's claims' quotes is in `text`; the number whose location moved.

    A plain UPDATE: a location is not an editorial change, so neither the claims' versions nor their
    history move (the table's version triggers still fire, so cached pages follow)."""
    moved = 0
    for claim in Claim.everything.filter(source=source).only(
        "quote", "quote_prefix", "quote_exact", "quote_suffix"
    ):
        location = locate(claim.quote, text)
        fields = location_fields(location)
        if any(getattr(claim, name) != value for name, value in fields.items()):
            Claim.everything.filter(pk=claim.pk).update(**fields)
            moved += 1
    return moved
