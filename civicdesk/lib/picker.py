"""Searchable pickers for the long lists a person chooses from: categories (~150), areas,
units (bureaus and villages mixed), assisting units.

One mechanism for every page: a form field gets `PickerSelect` (one choice) or
`PickerSelectMultiple` (several) as its widget; a page that writes its own filter form
renders one with `render_picker`. The widget is a plain <select> that works without
JavaScript; each option carries, in `data-data`, its name, the path of its ancestors in the
tree (青岚市 ▸ 石岛镇 ▸ 马家村) and the pinyin of both (civicdesk.lib.pinyin), and the console's
picker.js turns it into a Tom Select that finds 住建局 by 住建, zj or zhujian. Everything is
computed here and sent with the page: no script inline (CSP), nothing fetched later, so the
picker works offline and keeps the same options the server validates against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.pinyin import readings, word_starts

SEPARATOR = " ▸ "
# How long a picker's drawn HTML is kept at most (a changed list takes a new key at once).
KEEP_SECONDS = 24 * 3600


def _tree_of(model: type[Model]) -> dict[Any, tuple[str, Any]]:
    """pk → (name, parent pk) for a model with a `parent` (one query); {} for a flat list."""
    field_names = {f.name for f in model._meta.get_fields()}
    if "parent" not in field_names or "name" not in field_names:
        return {}
    rows = model._default_manager.values_list("pk", "name", "parent_id")
    return {pk: (name, parent) for pk, name, parent in rows}


def _chain(pk: Any, tree: dict[Any, tuple[str, Any]]) -> list[Any]:
    """The pks from the root down to `pk` (a broken or cyclic tree stops the walk)."""
    chain = [pk]
    parent = tree.get(pk, ("", None))[1]
    while parent is not None and parent in tree and parent not in chain:
        chain.append(parent)
        parent = tree[parent][1]
    return list(reversed(chain))


def common_top(offered: Iterable[Any], tree: dict[Any, tuple[str, Any]]) -> set[Any]:
    """The ancestors every offered node shares and that are not on offer themselves: the
    hub above a dispatch form's units says nothing, so 马家村's path starts at its town."""
    offered = set(offered)
    chains = [_chain(pk, tree) for pk in offered]
    if not chains:
        return set()
    shared: list[Any] = []
    for step in zip(*chains, strict=False):
        if len(set(step)) != 1:
            break
        shared.append(step[0])
    return {pk for pk in shared if pk not in offered}


def describe(instance: Any, tree: dict[Any, tuple[str, Any]], hidden: set[Any]) -> dict[str, str]:
    """What the picker shows and searches for one option: its name, the path of its
    ancestors (less those in `hidden`, see common_top) and the pinyin of both."""
    name = str(getattr(instance, "name", instance))
    ancestors = [pk for pk in _chain(instance.pk, tree)[:-1] if pk not in hidden]
    up = SEPARATOR.join(tree[pk][0] for pk in ancestors)
    data = {"name": name, "py": readings(name), "w": word_starts(name)}
    if up:
        data["up"] = up
        data["uppy"] = readings(up)
        data["upw"] = word_starts(up)
    return data


class PickerMixin:
    """Adds the search data to every option of a model choice widget (see the module).

    `kept_as`: what names the options (a form's field, the units it offers, and the token of
    their list: lib.listversion), or a function giving it when the widget is drawn;
    then the HTML is kept in Django's cache under it with the language, the attributes and the
    chosen value, and drawn from there until the token changes. None: drawn every time."""

    choices: Any
    kept_as: tuple[Any, ...] | Callable[[], tuple[Any, ...] | None] | None = None

    def __init__(self, attrs: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        base = {"data-picker": "1", "data-no-results": _("没有匹配的选项"), "data-clear": _("清除")}
        super().__init__({**base, **(attrs or {})}, *args, **kwargs)  # type: ignore[call-arg]

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        # The choices are read once (one query) so that the paths can leave out what all of
        # them share (common_top); then the tree's names (one more query).
        choices = list(self.choices)
        instances = [getattr(v, "instance", None) for v, _label in choices]
        models = {type(i) for i in instances if isinstance(i, Model)}
        # Choices that several pickers of a page share may hand over the tree they read once.
        shared = getattr(self.choices, "picker_tree", None)
        tree = shared() if shared is not None else None
        self._tree = tree if tree is not None else _tree_of(models.pop()) if len(models) == 1 else {}
        self._hidden = common_top((i.pk for i in instances if i is not None), self._tree)
        original, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = original

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: Any = None,
    ) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(  # type: ignore[misc]
            name, value, label, selected, index, subindex=subindex, attrs=attrs
        )
        instance = getattr(value, "instance", None)
        if isinstance(instance, Model):
            data = describe(instance, getattr(self, "_tree", {}), getattr(self, "_hidden", set()))
            option["attrs"]["data-data"] = json.dumps(data, ensure_ascii=False)
        return option

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        """The HTML Django's select.html, select_option.html and attrs.html templates make,
        written out here: a picker holds hundreds of options (the dispatch board draws four,
        about a thousand options), and the template engine's include per option and per
        attribute list took most of the board's time (issue #20)."""
        key = self._kept_key(name, value, attrs)
        if key is not None:
            kept = cache.get(key)
            if kept is not None:
                return mark_safe(str(kept))  # noqa: S308 (escaped when it was drawn, below)
        html = self._draw(name, value, attrs)
        if key is not None:
            cache.set(key, str(html), KEEP_SECONDS)
        return html

    def _kept_key(self, name: str, value: Any, attrs: dict[str, Any] | None) -> str | None:
        kept_as = self.kept_as() if callable(self.kept_as) else self.kept_as
        if kept_as is None:
            return None
        # Lazy translations (labels, data-no-results) as text: their repr names the object, not the words.
        shown = sorted((str(k), str(v)) for k, v in {**self.attrs, **(attrs or {})}.items())  # type: ignore[attr-defined]
        what = repr((kept_as, get_language(), type(self).__name__, name, value, shown))
        return "picker:" + hashlib.sha256(what.encode()).hexdigest()

    def _draw(self, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last line break
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several choices (assisting units): chosen ones show as removable chips."""

    def __init__(self, attrs: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__({"data-picker": "multi", **(attrs or {})}, *args, **kwargs)


class _Field(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, labeller: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._labeller = labeller

    def label_from_instance(self, obj: Any) -> str:
        return str(self._labeller(obj)) if self._labeller else str(obj)


def render_picker(
    name: str,
    queryset: QuerySet[Any],
    value: Any,
    *,
    empty_label: Any = None,
    label: Any = None,
    attrs: dict[str, Any] | None = None,
) -> SafeString:
    """A picker for a page that writes its own filter form (the statistics filters): the
    same widget as the forms', for a GET parameter `name` whose current value is `value`."""
    field = _Field(
        queryset=queryset, required=False, empty_label=empty_label, labeller=label, widget=PickerSelect(attrs=attrs)
    )
    html: SafeString = field.widget.render(name, value if value not in (None, "") else None)
    return html
