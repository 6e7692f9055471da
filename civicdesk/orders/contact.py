"""How a caller's name and phone are shown to a member of staff: in full, masked, or not at
all for a confidential order outside the hub. The order page, the hub's pages and the API
show them by this one rule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicdesk.lib.masking import mask_name, mask_phone
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can_see_identity
from civicdesk.org.models import Role, User

# Roles that work with the caller directly and see the full contact without asking.
CONTACT_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT}


def contact_view(user: User, order: WorkOrder, revealed: bool, *, sees_identity: bool | None = None) -> dict[str, Any]:
    """name, phone, whether the user may ask to reveal them (logged), whether they are masked.
    `sees_identity`: can_see_identity(user, order), where the page has asked it already."""
    if not (can_see_identity(user, order) if sees_identity is None else sees_identity):
        return {"name": _("（保密）"), "phone": _("（保密）"), "can_reveal": False, "masked": True}
    full = revealed or bool(user.roles & CONTACT_ROLES)
    return {
        "name": order.citizen_name if full else mask_name(order.citizen_name),
        "phone": order.citizen_phone if full else mask_phone(order.citizen_phone),
        "can_reveal": not full and bool(order.citizen_phone or order.citizen_name),
        "masked": not full,
    }
