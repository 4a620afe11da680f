"""The admin for sources' texts: uploaded or pasted, checked, then kept for checking quotes."""

from django import forms
from django.contrib import admin, messages

from .models import MAX_SOURCE_TEXT_BYTES, SourceText
from .source_texts import check_keeps_published_quotes, check_size, decode_upload, store_text


class SourceTextForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        label="Upload the text",
        help_text="A UTF-8 text file (the page saved as text, Markdown or reStructuredText), at most "
        f"{MAX_SOURCE_TEXT_BYTES // (1024 * 1024)} MiB. It replaces the text below.",
    )

    class Meta:
        model = SourceText
        fields = ["source", "upload", "text"]
        labels = {"text": "Or paste the text"}
        widgets = {"text": forms.Textarea(attrs={"rows": 12, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        if self.instance.pk is not None:
            # A text belongs to its source for good: store another source's text on that source.
            self.fields["source"].disabled = True

    def clean(self):
        cleaned = super().clean()
        upload, source = cleaned.get("upload"), cleaned.get("source")
        if upload is not None:
            # One byte past the limit is enough to know the file is too large, without reading it all.
            cleaned["text"] = decode_upload(upload.read(MAX_SOURCE_TEXT_BYTES + 1), upload.name)
            self.origin = f"uploaded file {upload.name}"
        elif cleaned.get("text", "").strip():
            check_size(len(cleaned["text"].encode("utf-8")), "The text")
            self.origin = "pasted"
        else:
            raise forms.ValidationError("Upload a text file or paste the text.", code="no_text")
        if source is not None:
            check_keeps_published_quotes(source, cleaned["text"])
        return cleaned


@admin.register(SourceText)
class SourceTextAdmin(admin.ModelAdmin):
    form = SourceTextForm
    list_display = ["source", "origin", "stored_at", "sha256"]
    search_fields = ["source__title", "source__slug", "origin"]
    autocomplete_fields = ["source"]
    readonly_fields = ["origin", "sha256", "stored_at"]
    list_select_related = ["source"]

    def save_model(self, request, obj, form, change):
        # store_text keeps it and locates every claim's quote in it again, in one transaction.
        stored = store_text(obj.source, form.cleaned_data["text"], form.origin)
        obj.pk, obj.stored_at = stored.pk, stored.stored_at
        located = obj.source.claims.exclude(quote_exact="").count()
        total = obj.source.claims.count()
        self.message_user(
            request,
            f"Text stored: {located} of the source's {total} claims' quotes are found in it.",
            messages.INFO,
        )
