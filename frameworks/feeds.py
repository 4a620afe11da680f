from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .changes import Change, recent_changes


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Framework chooser: changes to the evidence"
    subtitle = "Claims published, changed or retired, newest first."
    link = reverse_lazy("frameworks:changes")

    def items(self) -> list[Change]:
        return recent_changes()

    def item_title(self, change: Change) -> str:
        return f"{change.framework} / {change.criterion}: {change.summary}"

    def item_description(self, change: Change) -> str:
        return change.statement

    def item_link(self, change: Change) -> str:
        return reverse("frameworks:claim", args=[change.claim_id])

    def item_guid(self, change: Change) -> str:
        return f"{self.item_link(change)}#{change.when.isoformat()}"

    def item_pubdate(self, change: Change):
        return change.when

    def item_updateddate(self, change: Change):
        return change.when
