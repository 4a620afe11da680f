"""What every evidence admin shares: history to read, never to revert, and slugs that stay put."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class EvidenceAdmin(SimpleHistoryAdmin):
    # Reverting writes an old row back whole, status and reviewer included, around the review
    # workflow; editors read old versions and copy from them instead. So no page offers it.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Past versions can be read but not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Slugs are how links, the API and the seed data find a record; renaming one breaks them.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and "slug" in self._field_names():
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if obj is None else {}

    def _field_names(self) -> set[str]:
        return {field.name for field in self.model._meta.get_fields()}
