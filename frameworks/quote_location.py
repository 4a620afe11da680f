"""Where a quote is in its source's text: the passage with a few words either side, in the manner of
the W3C Web Annotation TextQuoteSelector (exact, prefix, suffix).

Texts are compared folded. Whitespace runs become one space, since copies of a text break their
lines differently; where that finds nothing, reStructuredText and Markdown markup is taken out of
both as well, since an editor may copy a quote from the rendered page, which shows none.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from .quote_text import plain

CONTEXT_WORDS = 6
CONTEXT_CHARACTERS = 80  # a cap on either side, for texts whose "words" are long (URLs, code)


@dataclass(frozen=True)
class Location:
    prefix: str
    exact: str
    suffix: str


def fold_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _fold_markup(text: str) -> str:
    return fold_whitespace(plain(text))


FOLDS: tuple[Callable[[str], str], ...] = (fold_whitespace, _fold_markup)


def locate(quote: str, document: str) -> Location | None:
    """The first place the quote appears in the document, folded; None when it does not."""
    for fold in FOLDS:
        exact, text = fold(quote), fold(document)
        if not exact:
            return None
        at = _find_whole_words(exact, text)
        if at >= 0:
            before, after = text[:at], text[at + len(exact) :]
            # One more piece than words: the last (or first) is what touches the quote, a partial
            # word or the empty string before the space.
            prefix = " ".join(before.split(" ")[-CONTEXT_WORDS - 1 :]) if before else ""
            suffix = " ".join(after.split(" ")[: CONTEXT_WORDS + 1]) if after else ""
            return Location(prefix[-CONTEXT_CHARACTERS:], exact, suffix[:CONTEXT_CHARACTERS])
    return None


def _find_whole_words(exact: str, text: str) -> int:
    """Where `exact` first appears in `text` not cut out of a longer word, or -1: "q" is not a quote
    of "quick", though a quote may start or end at punctuation."""
    at = text.find(exact)
    while at >= 0:
        cuts_before = exact[0].isalnum() and at > 0 and text[at - 1].isalnum()
        end = at + len(exact)
        cuts_after = exact[-1].isalnum() and end < len(text) and text[end].isalnum()
        if not (cuts_before or cuts_after):
            return at
        at = text.find(exact, at + 1)
    return -1


def quote_matches(quote: str, exact: str) -> bool:
    """Whether `exact` is what locate() finds for this quote (in a text that holds it)."""
    return any(fold(quote) == exact for fold in FOLDS)


def nearest_passage(quote: str, document: str) -> str:
    """The passage of the document most like the quote (as many words long, aligned on their longest
    run in common), to show an editor whose quote was not found; "" when no word is shared."""
    words, wanted = _fold_markup(document).split(" "), _fold_markup(quote).split(" ")
    common = SequenceMatcher(None, words, wanted, autojunk=False).find_longest_match()
    if common.size == 0:
        return ""
    start = max(0, common.a - common.b)
    return " ".join(words[start : start + len(wanted)])


def not_found_message(quote: str, document: str) -> str:
    """What an editor reads when a quote is not in its source's stored text, with the nearest passage."""
    nearest = nearest_passage(quote, document)
    return (
        "The quote is not in the source's stored text (compared with whitespace and markup folded): "
        "copy it verbatim from the source." + (f" The nearest passage there: “{nearest}”." if nearest else "")
    )
