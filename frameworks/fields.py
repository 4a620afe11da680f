"""Model fields shared by the evidence models."""

from django import forms
from django.core.validators import URLValidator
from django.db import models

HTTP_URL_MESSAGE = "Enter a web address that starts with http:// or https://."
http_url_validator = URLValidator(schemes=["http", "https"], message=HTTP_URL_MESSAGE)


class HttpURLFormField(forms.URLField):
    default_validators = [http_url_validator]
    # A form field's own messages replace its validators' messages of the same code.
    default_error_messages = {"invalid": HTTP_URL_MESSAGE}


class HttpURLField(models.URLField):
    """A URL field that accepts web addresses only (the stock one also takes ftp://)."""

    default_validators = [http_url_validator]

    def formfield(self, **kwargs):
        # An address typed without a scheme is taken as https:// (Django 6's default).
        return super().formfield(**{"form_class": HttpURLFormField, "assume_scheme": "https", **kwargs})


# The same rule as http_url_validator, in the database, where blank means "no address".
HTTP_URL_OR_BLANK = (
    models.Q(url="") | models.Q(url__startswith="http://") | models.Q(url__startswith="https://")
)


def seed_key_field(plural: str) -> models.SlugField:
    """The natural key of a record the seed command loaded: set once, never typed."""
    return models.SlugField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=f"Set on {plural} that the seed command loaded, so that it never loads them twice.",
    )
