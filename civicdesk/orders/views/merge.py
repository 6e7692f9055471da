"""Merging a duplicate into the order chosen side by side (the candidates come from
orders.merging)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from civicdesk.orders import actions
from civicdesk.orders.contact import contact_view
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.forms import MergeForm
from civicdesk.orders.merging import NOT_PARENT, merge_candidates
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can, visible_order, visible_orders
from civicdesk.orders.views.common import respond
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import User
from civicdesk.org.web import current_user, safe_next


def _merge_context(
    request: HttpRequest, user: User, order: WorkOrder, *, form: MergeForm | None = None, parent_number: str = ""
) -> dict[str, Any]:
    candidates = merge_candidates(user, order)
    chosen: WorkOrder | None = None
    wanted = parent_number or (request.GET.get("parent") or "").strip()
    missing = ""
    if wanted:
        chosen = (
            visible_orders(user)
            .filter(hub=order.hub_id, number=wanted)
            .exclude(pk=order.pk)
            .select_related("lead_unit", "category", "area")
            .first()
        )
        if chosen is None:
            missing = _("找不到本中心的工单 %(number)s。") % {"number": wanted}
    elif candidates:
        chosen = candidates[0].order
    reasons = next((c.reasons for c in candidates if chosen is not None and c.order.pk == chosen.pk), [])
    mergeable = order.state in MOVES["merge"].sources
    if form is None and chosen is not None:
        form = MergeForm(order=order, initial={"version": order.version, "into": chosen.number}, prefix="merge")
    return {
        "order": order,
        "candidates": candidates,
        "chosen": chosen,
        "chosen_reasons": reasons,
        "missing": missing,
        "wanted": wanted,
        "mergeable": mergeable,
        "form": form,
        "order_contact": contact_view(user, order, False),
        "chosen_contact": contact_view(user, chosen, False) if chosen is not None else None,
        "next": safe_next(request, ""),
        "chosen_unsuitable": chosen is not None and (chosen.state in NOT_PARENT or chosen.parent_id is not None),
    }


@login_required
def merge(request: HttpRequest, number: str) -> HttpResponse:
    """Compare the order with the orders it may repeat and merge it into the one picked."""
    user = current_user(request)
    order = visible_order(user, number)
    if not can(user, order, "merge"):
        raise PermissionDenied(_("只有本中心的派单员可以并单。"))
    if request.method != "POST":
        context = _merge_context(request, user, order)
        return respond(request, "orders/hub/merge.html", "orders/hub/_compare.html", context)
    form = MergeForm(request.POST, order=order, prefix="merge")
    posted_parent = (request.POST.get("merge-into") or "").strip()
    if not form.is_valid():
        context = _merge_context(request, user, order, form=form, parent_number=posted_parent)
        return render(request, "orders/hub/merge.html", context, status=400)
    parent = form.cleaned_data["into"]
    try:
        actions.merge(
            order,
            actor=user,
            into=parent,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ActionError as error:
        fresh = visible_order(user, number)
        if isinstance(error, ConflictError):
            messages.warning(request, error.message_for(user))
        else:
            for name, message in error.fields.items():
                if name in form.fields:
                    form.add_error(name, message)
            if not any(name in form.fields for name in error.fields):
                form.add_error(None, error.message_for(user))
        data = request.POST.copy()
        data["merge-version"] = str(fresh.version)
        form.data = data
        context = _merge_context(request, user, fresh, form=form, parent_number=posted_parent)
        status = 409 if isinstance(error, ConflictError) else 400
        return render(request, "orders/hub/merge.html", context, status=status)
    messages.success(
        request, _("工单 %(child)s 已并入 %(parent)s。") % {"child": order.number, "parent": parent.number}
    )
    return redirect(safe_next(request, reverse("orders:detail", args=[parent.number])))
