"""A source's full text, kept so that quotes can be checked where they are written: never published."""

import hashlib

from django.db import models

from .catalogue import Source

# Larger than any documentation page or article the library holds (the largest is ~150 KB), small
# enough that checking a quote against it stays a matter of milliseconds.
MAX_SOURCE_TEXT_BYTES = 2 * 1024 * 1024


class SourceText(models.Model):
    """The text of one source as an editor uploaded or pasted it, or the seed command loaded it.

    Only quotes are shown to visitors, with a few words of context: the whole text stays here, out
    of every page and API answer, since most sources' licences do not allow republishing them."""

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="stored_text")
    text = models.TextField()
    origin = models.CharField(
        max_length=600,
        help_text="Where the text came from: an uploaded file's name, 'pasted', a seed file, a URL.",
    )
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    stored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "source text"

    def __str__(self) -> str:
        return f"Text of {self.source}"

    def save(self, *args, **kwargs):
        self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        super().save(*args, **kwargs)
