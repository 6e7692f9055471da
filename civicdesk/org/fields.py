"""Form fields for choosing a unit, shared by every app's forms (forms modules stay private
to their app)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.picker import PickerSelect
from civicdesk.org.models import OrgUnit


def unit_label(unit: OrgUnit) -> str:
    """The unit's name indented by its depth in the tree, marked when deactivated."""
    depth = max(0, unit.path.count("/") - 2)
    return "\u3000" * depth + unit.name + ("" if unit.active else str(_("（已停用）")))


class UnitChoiceField(forms.ModelChoiceField):
    widget = PickerSelect

    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)
