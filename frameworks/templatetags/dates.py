"""One way to print dates on public pages: "17 December 2019", with the time as "17 December 2019, 14:05"."""

import datetime

from django import template
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime

register = template.Library()

DAY = "j F Y"
MOMENT = f"{DAY}, H:i"


@register.filter
def day(value: datetime.date | str | None) -> str:
    """{{ source.accessed_on|day }}: 17 December 2019. Takes the ISO dates a verdict's frozen
    snapshot keeps, too."""
    if isinstance(value, str) and value:
        value = datetime.date.fromisoformat(value)
    return date_format(value, DAY) if value else ""


@register.filter
def moment(value: datetime.datetime | None) -> str:
    """{{ change.when|moment }}: 17 December 2019, 14:05 (local time)."""
    return date_format(localtime(value), MOMENT) if value else ""


@register.filter
def machine_time(value: datetime.date | None) -> str:
    """For <time datetime>: ISO 8601 to the second, as the HTML checker takes no microseconds."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return localtime(value).isoformat(timespec="seconds")
    return value.isoformat()
