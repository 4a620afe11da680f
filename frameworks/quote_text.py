"""Quotes as a reader sees them: the source's reStructuredText or Markdown markup taken out.

Stored quotes stay verbatim (they are checked against the source's text); only their display is plain.
"""

import re

# :doc:`Title </target>` or :ref:`title <target>`: the title; :setting:`X` or :doc:`/a/b`: the target,
# of which a leading "~" keeps only the last dotted part (Sphinx's own short form).
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`([^`<]*?)\s*(?:<([^`>]*)>)?`")
_LITERAL = re.compile(r"``(.+?)``")
# `text <https://...>`_ and `text`_ (reST hyperlinks), [text](url) (Markdown).
_REST_LINK = re.compile(r"`([^`<]+?)\s*(?:<[^`>]*>)?`__?")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?![\w*])")
_BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.MULTILINE)


def _role(match: re.Match) -> str:
    title, target = match.group(1), match.group(2)
    if target is not None and title:
        return title
    target = (target or title).strip()
    if target.startswith("~"):
        return target.rsplit(".", 1)[-1]
    return target.rstrip("/").rsplit("/", 1)[-1] if "/" in target else target


def plain(quote: str) -> str:
    """The quote without markup: roles, literals, links, emphasis and list bullets."""
    text = _ROLE.sub(_role, quote)
    text = _LITERAL.sub(r"\1", text)
    text = _REST_LINK.sub(r"\1", text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _BULLET.sub("• ", text)
