"""Length limits that never cut what a person typed.

A browser silently drops whatever goes past an input's `maxlength` — 10,000 characters
pasted into a 5,000-character field keep the first half, and nobody is told. Forms here
therefore never render `maxlength`: the limit is carried as `data-limit`, the page shows a
live counter (console.js / portal.js), and the server refuses an over-long text with a
message saying how long it is, giving the whole text back to be shortened. This is the
portal's rule (portal.forms.PlainTextField) for every staff form: mix `CountedLimits` in
before `forms.Form` / `forms.ModelForm`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _


def too_long(limit: int, length: int) -> str:
    return _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": limit, "m": length}


class CountedMaxLength(MaxLengthValidator):
    """Django's max-length check, saying the limit and the length in the project's words."""

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(length, limit):
            raise ValidationError(too_long(int(limit), int(length)), code="max_length")


def count_instead_of_cut(form: forms.BaseForm) -> None:
    """Turn every text field's max_length into a counted limit (see the module doc)."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not isinstance(field, forms.CharField) or not limit:
            continue
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-limit"] = str(limit)
        field.validators = [CountedMaxLength(limit) if type(v) is MaxLengthValidator else v for v in field.validators]


class CountedLimits:
    """Form mixin: max_length is counted and checked, never enforced by cutting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count_instead_of_cut(self)  # type: ignore[arg-type]
