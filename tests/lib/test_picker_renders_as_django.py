"""The pickers write their <select> themselves, for speed (a page draws about a thousand
options): the HTML is the one Django's own select templates make, escaping included, with
one choice or several chosen, with option groups."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from civicdesk.lib.picker import PickerSelect, PickerSelectMultiple
from civicdesk.org.models import OrgUnit
from tests.world import World

pytestmark = pytest.mark.django_db


def _by_templates(widget: forms.Widget, name: str, value: object) -> str:
    """What Django's templates make of the widget (Django's own renderer: the project's writes
    the select out in Python too, civicdesk.lib.formrender)."""
    context = widget.get_context(name, value, {"id": f"id_{name}"})
    return str(DjangoTemplates().render(widget.template_name, context))


@pytest.mark.parametrize(("widget_class", "chosen"), [(PickerSelect, 1), (PickerSelectMultiple, 2)])
def test_a_unit_picker_is_drawn_as_django_draws_it(w: World, widget_class: type, chosen: int) -> None:
    OrgUnit.objects.create(name='<b>"测试" & 单位</b>', code="rc-x", kind=w.dept_a.kind, parent=w.dept_a)
    field = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("path"), widget=widget_class(attrs={"class": "form-select", "size": 3})
    )
    units = list(OrgUnit.objects.order_by("path").values_list("pk", flat=True))
    value = units[1] if chosen == 1 else units[1:3]
    widget = field.widget
    drawn = str(widget.render("unit", value, {"id": "id_unit"}))
    assert drawn == _by_templates(widget, "unit", value)
    assert "&lt;b&gt;&quot;测试&quot; &amp; 单位&lt;/b&gt;" in drawn
    assert drawn.count(" selected") == chosen


def test_a_picker_with_option_groups_is_drawn_as_django_draws_it() -> None:
    widget = PickerSelect(attrs={"disabled": True, "hidden": False})
    widget.choices = [("", "全部"), ("城管", [("a", "路灯 <1>"), ("b", "井盖")]), ("c", "其他")]
    assert str(widget.render("kind", "b", {"id": "id_kind"})) == _by_templates(widget, "kind", "b")
