"""Form fields for choosing a category, shared by every app's forms (forms modules stay
private to their app)."""

from __future__ import annotations

from typing import Any

from django import forms

from civicdesk.lib.picker import PickerSelect


class CategoryChoiceField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name())
