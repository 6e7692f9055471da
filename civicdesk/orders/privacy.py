"""An order's free text (title, content, address, notes) as one reader may see it.

A confidential caller is for the hub only (permissions.can_see_identity). Their number or
name written into the title or the description would reach the unit all the same, so for
a reader who may not know the caller every phone number in the text and the caller's name
are masked (civicdesk.lib.masking.scrub_text). Readers who may know the caller see the text
as typed: a unit handling an ordinary order needs the other numbers in it (a shop, a site
manager), and sees the caller's own number masked in the contact block with an audited
"reveal".
"""

from __future__ import annotations

from civicdesk.lib.masking import scrub_text
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can_see_identity
from civicdesk.org.models import User


def knows_caller(user: User | None, order: WorkOrder) -> bool:
    """Whether `user`, who may open `order`, may know who called (the text is shown as typed)."""
    if not order.confidential:
        return True
    return user is not None and can_see_identity(user, order)


def text_for(user: User | None, order: WorkOrder, text: str | None) -> str:
    """`text` from `order` as `user` may read it."""
    text = text or ""
    if not text or knows_caller(user, order):
        return text
    return scrub_text(text, name=order.citizen_name)
