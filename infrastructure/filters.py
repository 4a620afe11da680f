"""Number filters for the API that refuse, with a 400, what their database column cannot hold.

django-filter's NumberFilter takes any decimal: 9223372036854775808 reaches the query, where SQLite
cannot even bind it (OverflowError, a 500). These take whole numbers within the column's range on
the database in use, and say so in the error.
"""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.db.models import Model


def column_range(model: type[Model], field_name: str) -> tuple[int | None, int | None]:
    """The smallest and largest whole number `model`'s column `field_name` holds here."""
    field = model._meta.get_field(field_name.removesuffix("_id"))
    if field.is_relation:
        field = field.target_field
    return connection.ops.integer_field_range(field.get_internal_type())


def _bounded(subfields: list[forms.Field], model: type[Model], field_name: str) -> None:
    low, high = column_range(model, field_name)
    for subfield in subfields:
        if low is not None:
            subfield.validators.append(MinValueValidator(low))
        if high is not None:
            subfield.validators.append(MaxValueValidator(high))


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    @property
    def field(self):
        if not hasattr(self, "_field"):
            _bounded([super().field], self.model, self.field_name)
        return self._field


class WholeNumberRangeField(django_filters.fields.RangeField):
    def __init__(self, fields=None, *args, **kwargs):
        super().__init__((forms.IntegerField(), forms.IntegerField()), *args, **kwargs)


class WholeNumberRangeFilter(django_filters.RangeFilter):
    """name_min and name_max, whole numbers within the column's range."""

    field_class = WholeNumberRangeField

    @property
    def field(self):
        if not hasattr(self, "_field"):
            _bounded(list(super().field.fields), self.model, self.field_name)
        return self._field
