"""A page as a reader sees it: its text without tags, each run of white space one space."""

from django.utils.html import strip_tags


def visible_text(html: str) -> str:
    return " ".join(strip_tags(html).split())
