"""The admin's pages for categories and the dispatch catalogue (派单目录)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicdesk.catalogue.forms import DispatchRuleForm
from civicdesk.catalogue.models import Category, DispatchRule, in_tree_order
from civicdesk.org.web import admin_required


@admin_required
def tree(request: HttpRequest) -> HttpResponse:
    """Every category with the unit the catalogue sends it to, and where that comes from."""
    categories = in_tree_order(list(Category.objects.all()))
    by_id = {c.pk: c for c in categories}
    rules = list(DispatchRule.objects.select_related("unit", "area").order_by("area__code"))
    general = {r.category_id: r for r in rules if r.area_id is None}
    by_area: dict[int | None, list[DispatchRule]] = {}
    for rule in rules:
        if rule.area_id is not None:
            by_area.setdefault(rule.category_id, []).append(rule)

    def working(rule: DispatchRule | None) -> bool:
        return rule is not None and rule.active and rule.unit.active

    fallback = general.get(None)
    rows: list[dict[str, Any]] = []
    for node in categories:
        effective, source = None, None
        current: Category | None = node
        while current is not None:
            if working(general.get(current.pk)):
                effective, source = general[current.pk], current
                break
            current = by_id.get(current.parent_id) if current.parent_id else None
        if effective is None and working(fallback):
            effective = fallback
        rows.append(
            {
                "category": node,
                "indent": (node.level - 1) * 1.5,
                "rule": general.get(node.pk),
                "effective": effective,
                "inherited_from": source if source is not None and source.pk != node.pk else None,
                "is_fallback": effective is not None and effective is fallback,
                "area_rules": by_area.get(node.pk, []),
            }
        )
    return render(request, "catalogue/tree.html", {"rows": rows, "fallback": fallback})


@admin_required
def rule_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DispatchRuleForm(request.POST)
        if form.is_valid():
            rule = form.save()
            messages.success(request, _("已添加派单规则：%(rule)s") % {"rule": rule})
            return redirect("catalogue:tree")
    else:
        category = Category.objects.filter(pk=request.GET.get("category") or 0).first()
        form = DispatchRuleForm(initial={"category": category.pk if category else None, "active": True})
    return render(
        request,
        "catalogue/rule_form.html",
        {"form": form, "title": _("添加派单规则")},
        status=400 if form.is_bound else 200,
    )


@admin_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(DispatchRule.objects.select_related("category", "area", "unit"), pk=pk)
    if request.method == "POST":
        form = DispatchRuleForm(request.POST, instance=rule)
        if form.is_valid():
            rule = form.save()
            messages.success(request, _("已保存派单规则：%(rule)s") % {"rule": rule})
            return redirect("catalogue:tree")
    else:
        form = DispatchRuleForm(instance=rule)
    return render(
        request,
        "catalogue/rule_form.html",
        {"form": form, "title": _("修改派单规则"), "rule": rule},
        status=400 if form.is_bound else 200,
    )
