from django import template

from frameworks.quote_text import plain

register = template.Library()


@register.filter
def plain_quote(quote: str) -> str:
    """{{ claim.quote|plain_quote }}: the quote without its source's markup (escaped as usual)."""
    return plain(quote or "")
