"""Which line of a failed run says what went wrong: shared by the runner and the pages (which must
not import the runner), standard library only."""

import re

EXCEPTION_LINE = re.compile(r"(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Exit): |ERROR: ")


def error_summary(error_tail: str) -> str:
    """The line of an error tail to show beside a snippet: the exception that ended the last
    traceback in it ("ImportError: cannot import name 'escape' from 'flask'"), else the last line
    naming an exception (or pip's last ERROR line), else the runner's own first line. A path in
    parentheses at its end is left out."""
    lines = error_tail.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    after = lines[starts[-1] + 1 :] if starts else []
    ended = [line for line in after if line and not line[0].isspace()]
    named = [line for line in lines if EXCEPTION_LINE.match(line)]
    line = ended[0] if ended else named[-1] if named else lines[0] if lines else ""
    return re.sub(r" \((?:/|<virtualenv>)[^()]*\)$", "", line.strip())
