"""The forms' renderer (settings.FORM_RENDERER): Django's own, with its most common widget
templates written out in Python.

The list pages draw a form in every row (督办 on supervision, the review moves on the dispatch
board), and each widget was a render of input.html or textarea.html through the template
engine, with attrs.html included: about 65 µs a widget, more than the rest of the row's
cell (issue #20). Here `text.html`, `hidden.html`, `number.html` and the other one-line
includes of input.html, `textarea.html` and `select.html` with its options give the same
characters those templates give (tests/lib/test_form_renderer_matches_templates.py compares
them); every other template is rendered by Django as before. Django's own widget templates
come first in its renderer's search path, so an app cannot have changed these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData

from civicdesk.lib.markup import escaped

_WIDGETS = "django/forms/widgets/"


class _Unwritten(Exception):
    """A value the template engine would show in a way not written out here (a number or a
    date is localized): the template renders it."""


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` with autoescaping."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 (the filter's own formatting, tuples and all)
    except (ValueError, TypeError):
        return ""
    # stringformat keeps a safe value safe; anything else is escaped.
    return text if isinstance(value, SafeData) else escaped(text)


def _shown(value: Any) -> str:
    """`{{ value }}` with autoescaping, for text (the engine localizes numbers and dates)."""
    if isinstance(value, str | Promise):
        return escaped(value)
    raise _Unwritten


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    text = _shown(value) if value else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _WIDGETS + "select_option.html":
                raise _Unwritten
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# Templates that are `{% include "django/forms/widgets/input.html" %}` and nothing else.
_INPUTS = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
_WRITTEN: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in (*_INPUTS, "input")},
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}


class Renderer(DjangoTemplates):
    """Django's template renderer, with the widgets above written out (see the module)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITTEN.get(template_name)
        widget = context.get("widget") if write is not None else None
        if write is not None and isinstance(widget, dict):
            try:
                return write(widget).strip()
            except (_Unwritten, KeyError):
                # A value shown in a way not written out here, or a widget's context without
                # a key its template would read as empty: the template decides.
                pass
        html: str = super().render(template_name, context, request=request)
        return html
