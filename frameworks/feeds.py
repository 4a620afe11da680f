from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .changes import Change, recent_changes

# The latest this many changes; the feed links to /changes/, which pages through them all.
FEED_ENTRIES = 50

# Tag URIs (RFC 4151) name each entry for good: the site's host, a date it held that name, and the
# history record. Never change the date, or every reader sees every entry again as new.
TAG_DATE = "2025-01-01"


class Entry(NamedTuple):
    host: str
    change: Change


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Framework chooser: changes to the evidence"
    subtitle = f"The latest {FEED_ENTRIES} claims published, changed or retired, newest first."
    link = reverse_lazy("frameworks:changes")
    feed_url = reverse_lazy("frameworks:changes_feed")

    def get_object(self, request, *args, **kwargs) -> str:
        return split_domain_port(request.get_host())[0]

    def feed_guid(self, host: str) -> str:
        return f"tag:{host},{TAG_DATE}:changes"

    def items(self, host: str) -> list[Entry]:
        return [Entry(host, change) for change in recent_changes(FEED_ENTRIES)]

    def item_title(self, entry: Entry) -> str:
        change = entry.change
        return f"{change.framework} / {change.criterion}: {change.summary}"

    def item_description(self, entry: Entry) -> str:
        return entry.change.statement

    def item_link(self, entry: Entry) -> str:
        return reverse("frameworks:claim", args=[entry.change.claim_id])

    def item_guid(self, entry: Entry) -> str:
        change = entry.change
        return f"tag:{entry.host},{TAG_DATE}:claim/{change.claim_id}/change/{change.history_id}"

    def item_pubdate(self, entry: Entry):
        return entry.change.when

    def item_updateddate(self, entry: Entry):
        return entry.change.when
