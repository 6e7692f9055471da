"""The forms' renderer writes the common widgets out in Python, for speed (the list pages draw
a form in every row): the HTML is the one Django's own widget templates make, escaping, safe
values, boolean and missing attributes, chosen options and option groups included, in both
languages."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from civicdesk.lib.formrender import Renderer

ATTRS: dict[str, Any] = {
    "class": "form-control",
    "required": True,
    "disabled": False,
    "maxlength": 2000,
    "data-zero": 0,
    "placeholder": gettext_lazy("例如：来电人称问题仍未处理，要求尽快解决"),
    "title": '"引号" & <尖括号>',
    "data-safe": mark_safe("<b>已转义</b>"),
}
TEXT_VALUES = [None, "", "3", '路灯 <不亮> & "坏了"', mark_safe("<i>安全</i>"), "第一行\n第二行"]


def _widgets() -> list[tuple[str, forms.Widget, Any]]:
    cases: list[tuple[str, forms.Widget, Any]] = []
    for value in TEXT_VALUES:
        for widget in (
            forms.TextInput(ATTRS),
            forms.HiddenInput(),
            forms.NumberInput({"min": 1, "step": "0.5"}),
            forms.EmailInput(ATTRS),
            forms.PasswordInput(render_value=True),
            forms.DateInput(),
            forms.Textarea(ATTRS),
            forms.Textarea(),
        ):
            cases.append((type(widget).__name__, widget, value))
    for checked in (True, False):
        cases.append(("CheckboxInput", forms.CheckboxInput({"class": "form-check-input"}), checked))
    grouped = forms.Select({"class": "form-select", "data-x": '"&"'})
    grouped.choices = [
        ("", gettext_lazy("全部")),
        (gettext_lazy("分类"), [("a", "路灯 <1>"), ("b", gettext_lazy("正常"))]),
        ("c", mark_safe("<b>安全</b>")),
    ]
    for value in ("", "b", "c", "none"):
        cases.append(("Select", grouped, value))
    several = forms.SelectMultiple({"size": 3})
    several.choices = [("1", "一"), ("2", "二"), ("3", "三")]
    cases.append(("SelectMultiple", several, ["1", "3"]))
    return cases


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_written_widget_is_drawn_as_djangos_templates_draw_it(language: str) -> None:
    assert isinstance(get_default_renderer(), Renderer)
    ours, django = Renderer(), DjangoTemplates()
    with translation.override(language):
        for kind, widget, value in _widgets():
            context = widget.get_context("field", value, {"id": "id_field"})
            assert ours.render(widget.template_name, context) == django.render(widget.template_name, context), (
                kind,
                value,
            )


def test_a_number_shown_as_text_is_left_to_the_templates() -> None:
    """A label that is a number is localized by the template engine: not written out here."""
    widget = forms.Select()
    widget.choices = [(1, 1000), (2, 2.5)]
    context = widget.get_context("n", 1, {})
    assert Renderer().render(widget.template_name, context) == DjangoTemplates().render(widget.template_name, context)


def test_a_whole_form_renders_the_same_through_both_renderers() -> None:
    class Note(forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput)
        note = forms.CharField(label="督办意见", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
        kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])

    bound = {"version": "7", "note": '<script>"x"</script>', "kind": "b"}
    for data in (None, bound):
        ours = Note(data, renderer=Renderer(), initial={"version": 3}, auto_id="id_1_%s")
        django = Note(data, renderer=DjangoTemplates(), initial={"version": 3}, auto_id="id_1_%s")
        assert [str(f) for f in ours] == [str(f) for f in django]
