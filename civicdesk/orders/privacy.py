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

from datetime import timedelta

from django.utils import timezone

from civicdesk.lib.masking import scrub_text
from civicdesk.orders.models import PHONE_SEARCH, PersonalDataAccess, WorkOrder
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


# The intake page looks the caller up as the number is typed: one row per number and person
# within this window is enough to say who looked for whom, and when.
_REPEAT_WINDOW = timedelta(minutes=10)


def log_phone_search(user: User, digits: str, *, repeats: bool = True) -> None:
    """Record that `user` looked orders up by a phone number (查看个人信息留痕). With
    `repeats=False` the same number looked up again by the same person shortly after is not
    written twice (live lookups while typing)."""
    digits = digits[:100]
    if (
        not repeats
        and PersonalDataAccess.objects.filter(
            user=user, fields=PHONE_SEARCH, query=digits, at__gte=timezone.now() - _REPEAT_WINDOW
        ).exists()
    ):
        return
    PersonalDataAccess.objects.create(user=user, fields=PHONE_SEARCH, query=digits)
