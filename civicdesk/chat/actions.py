"""Every change of a chat, one atomic function each, writing one ChatEvent.

The endings that make an order go through the orders' own intake actions with channel
"chat": `create_order` with the transcript as its content (nothing retyped), then
`answer_immediately` (即时答复, counted like the hotline's) or `send_to_hub` / `dispatch`,
exactly as the intake page does for a call.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category, Channel, Urgency
from civicdesk.chat.models import Author, Chat, ChatEvent, ChatMessage, ChatState
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib import titles
from civicdesk.lib.textlimits import too_long
from civicdesk.orders import actions as order_actions
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, Role, User

# One message: long enough for a paragraph, short enough to read on a phone; longer is refused.
MESSAGE_MAX = 1000
NOTE_MAX = 2000
TITLE_LENGTH = 40
DESK_ROLES = (Role.OPERATOR, Role.DISPATCHER)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def desk_hubs(user: User) -> list[OrgUnit]:
    """The hubs whose chats `user` may take: where they are an operator or dispatcher."""
    hubs: dict[int, OrgUnit] = {}
    for unit in user.units_with_role(*DESK_ROLES):
        hub = unit.hub()
        if hub is not None:
            hubs[hub.pk] = hub
    return list(hubs.values())


def may_staff(user: User, chat: Chat) -> bool:
    return any(hub.pk == chat.hub_id for hub in desk_hubs(user))


def _message_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        message = _("请输入内容。")
        raise InvalidInput(message, fields={field: message})
    if len(text) > MESSAGE_MAX:
        message = too_long(MESSAGE_MAX, len(text))
        raise InvalidInput(message, fields={field: message})
    return text


def _event(chat: Chat, action: str, actor: User | None, before: str, note: str = "") -> None:
    ChatEvent.objects.create(chat=chat, action=action, actor=actor, from_state=before, to_state=chat.state, note=note)


def _locked(chat: Chat) -> Chat:
    return Chat.objects.select_for_update().get(pk=chat.pk)


def start_chat(
    *,
    hub: OrgUnit,
    phone: str,
    text: str,
    name: str = "",
    confidential: bool = False,
    enterprise: Enterprise | None = None,
) -> tuple[Chat, str]:
    """A citizen opens a chat with their first message; returns it and the browser's token."""
    text = _message_text(text)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        chat = Chat.objects.create(
            hub=hub,
            token_hash=token_hash(token),
            citizen_phone=phone,
            citizen_name=name,
            confidential=confidential,
            enterprise=enterprise,
        )
        ChatMessage.objects.create(chat=chat, author=Author.CITIZEN, text=text, at=chat.started_at)
        _event(chat, "start", None, "")
    return chat, token


def citizen_says(chat: Chat, *, text: str) -> ChatMessage:
    """The citizen writes (no account: the actor is the chat's own browser)."""
    text = _message_text(text)
    with transaction.atomic():
        locked = _locked(chat)
        if not locked.is_open:
            raise InvalidTransition(_("本次咨询已结束，不能再发送。如有新问题，请重新发起咨询。"))
        now = timezone.now()
        Chat.objects.filter(pk=chat.pk).update(citizen_seen_at=now)
        return ChatMessage.objects.create(chat=locked, author=Author.CITIZEN, text=text, at=now)


def take(chat: Chat, *, actor: User, expected_version: int | None = None) -> Chat:
    """One operator takes a waiting chat. The state is checked in the UPDATE itself, so of two
    operators taking at once exactly one wins; the other is told who was faster."""
    if not may_staff(actor, chat):
        raise PermissionDenied(_("您不是该受理中心的话务员，不能接待网上咨询。"))
    now = timezone.now()
    with transaction.atomic():
        wanted = Chat.objects.filter(pk=chat.pk, state=ChatState.WAITING)
        if expected_version is not None:
            wanted = wanted.filter(version=expected_version)
        if not wanted.update(state=ChatState.TAKEN, operator=actor, taken_at=now, version=F("version") + 1):
            current = Chat.objects.select_related("operator").get(pk=chat.pk)
            if current.state == ChatState.TAKEN and current.operator is not None:
                raise ConflictError(
                    _("该咨询已由 %(name)s 接待。") % {"name": current.operator},
                    actor_id=current.operator_id,
                    own_message=_("您已接待该咨询（可能在另一个窗口）。"),
                )
            raise ConflictError(_("该咨询已变化（%(state)s），请刷新队列。") % {"state": current.get_state_display()})
        chat.refresh_from_db()
        _event(chat, "take", actor, ChatState.WAITING)
    return chat


def _require_taker(chat: Chat, actor: User) -> None:
    if chat.state != ChatState.TAKEN:
        raise InvalidTransition(_("该咨询不在接待中（%(state)s）。") % {"state": chat.get_state_display()})
    if chat.operator_id != actor.pk:
        raise PermissionDenied(_("只有接待该咨询的话务员可以回复或结束它。"))


def operator_says(chat: Chat, *, actor: User, text: str) -> ChatMessage:
    text = _message_text(text)
    with transaction.atomic():
        locked = _locked(chat)
        _require_taker(locked, actor)
        now = timezone.now()
        message = ChatMessage.objects.create(chat=locked, author=Author.OPERATOR, operator=actor, text=text, at=now)
        if locked.first_response_at is None:
            # The first-response time counts from the citizen's first message to this one.
            Chat.objects.filter(pk=chat.pk).update(first_response_at=now)
            _event(locked, "first_response", actor, locked.state)
    return message


def transcript(chat: Chat) -> str:
    """The conversation as the order's content: every message, timed and signed."""
    labels = {Author.CITIZEN: _("市民"), Author.OPERATOR: _("话务员"), Author.SYSTEM: _("系统")}
    started = timezone.localtime(chat.started_at)
    lines = [_("网上一对一咨询记录（%(at)s 开始）") % {"at": f"{started:%Y-%m-%d %H:%M}"}]
    for message in chat.messages.order_by("pk"):
        if message.author == Author.SYSTEM:
            continue
        at = timezone.localtime(message.at)
        lines.append(f"[{at:%H:%M}] {labels[Author(message.author)]}：{message.text}")
    return "\n".join(lines)


def _first_words(chat: Chat) -> str:
    first = chat.messages.filter(author=Author.CITIZEN).order_by("pk").first()
    return titles.title_from(first.text if first else "", TITLE_LENGTH)


def _end(chat: Chat, *, actor: User, state: str, action: str, note: str = "", tell: str = "") -> None:
    before = chat.state
    chat.state = state
    chat.ended_at = timezone.now()
    chat.version += 1
    chat.save(update_fields=["state", "ended_at", "version", "order", "note"])
    if tell:
        ChatMessage.objects.create(chat=chat, author=Author.SYSTEM, text=tell)
    _event(chat, action, actor, before, note)


def answer(
    chat: Chat,
    *,
    actor: User,
    answer: str,
    request_type: str,
    article_ids: Iterable[int] = (),
    category: Category | None = None,
    area: Area | None = None,
    title: str = "",
) -> Chat:
    """End with an immediate answer: the answer goes to the citizen, and an order closed on
    the spot (即时答复) keeps the transcript and the articles used."""
    text = _message_text(answer, "answer")
    with transaction.atomic():
        locked = _locked(chat)
        _require_taker(locked, actor)
        operator_says(locked, actor=actor, text=text)
        locked.refresh_from_db()
        order = _create_order(locked, actor=actor, request_type=request_type, category=category, area=area, title=title)
        order = order_actions.answer_immediately(
            order, actor=actor, answer=text, article_ids=[int(a) for a in article_ids]
        )
        locked.order = order
        _end(
            locked,
            actor=actor,
            state=ChatState.ANSWERED,
            action="answer",
            tell=_("本次咨询已答复并记录（工单号 %(number)s）。感谢您的咨询。") % {"number": order.number},
        )
    return locked


def make_order(
    chat: Chat,
    *,
    actor: User,
    request_type: str,
    category: Category | None = None,
    area: Area | None = None,
    address: str = "",
    title: str = "",
    urgency: str = Urgency.NORMAL,
    lead_unit: OrgUnit | None = None,
) -> Chat:
    """End with a new order whose content is the transcript; sent to the hub's dispatchers,
    or dispatched at once when a unit is chosen (as the intake page does)."""
    with transaction.atomic():
        locked = _locked(chat)
        _require_taker(locked, actor)
        order = _create_order(
            locked,
            actor=actor,
            request_type=request_type,
            category=category,
            area=area,
            address=address,
            title=title,
            urgency=urgency,
        )
        if lead_unit is not None:
            order = order_actions.dispatch(order, actor=actor, lead_unit=lead_unit)
        else:
            order = order_actions.send_to_hub(order, actor=actor, note=_("网上一对一咨询转工单"))
        locked.order = order
        _end(
            locked,
            actor=actor,
            state=ChatState.ORDERED,
            action="order",
            tell=_("已为您登记工单 %(number)s，可凭工单号和手机号后四位在网上门户查询办理进度。")
            % {"number": order.number},
        )
    return locked


def _create_order(
    chat: Chat,
    *,
    actor: User,
    request_type: str,
    category: Category | None,
    area: Area | None,
    address: str = "",
    title: str = "",
    urgency: str = Urgency.NORMAL,
) -> WorkOrder:
    return order_actions.create_order(
        actor=actor,
        channel=Channel.CHAT,
        request_type=request_type,
        urgency=urgency,
        title=(title or "").strip() or _first_words(chat),
        content=transcript(chat),
        address=address,
        area=area,
        category=category,
        citizen_name=chat.citizen_name,
        citizen_phone=chat.citizen_phone,
        confidential=chat.confidential,
        wants_reply=True,
        enterprise=chat.enterprise,
        hub=chat.hub,
        intake_data={"chat": chat.pk},
    )


def note(chat: Chat, *, actor: User, note: str) -> Chat:
    """End with a note only (a greeting, a test, nothing to record as an order)."""
    text = (note or "").strip()
    if not text:
        message = _("请填写记录内容。")
        raise InvalidInput(message, fields={"note": message})
    if len(text) > NOTE_MAX:
        message = too_long(NOTE_MAX, len(text))
        raise InvalidInput(message, fields={"note": message})
    with transaction.atomic():
        locked = _locked(chat)
        _require_taker(locked, actor)
        locked.note = text
        _end(
            locked,
            actor=actor,
            state=ChatState.NOTED,
            action="note",
            note=text,
            tell=_("本次咨询已结束，感谢您的咨询。"),
        )
    return locked


def abandon(chat: Chat, *, actor: User | None = None, reason: str) -> Chat:
    """A waiting chat ends unanswered: the citizen left (their 结束 button) or went silent (the
    sweep). A taken chat stays with its operator, who still records how it ended."""
    with transaction.atomic():
        locked = _locked(chat)
        if locked.state != ChatState.WAITING:
            raise InvalidTransition(_("本次咨询已结束。"))
        before = locked.state
        locked.state = ChatState.ABANDONED
        locked.ended_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["state", "ended_at", "version"])
        _event(locked, "abandon", actor, before, reason)
    return locked


def citizen_leaves(chat: Chat) -> Chat:
    """The citizen's 结束: a waiting chat is abandoned; a taken one tells its operator, who
    ends it (the conversation may still become an order)."""
    if chat.state == ChatState.WAITING:
        return abandon(chat, reason=_("市民结束了咨询"))
    with transaction.atomic():
        locked = _locked(chat)
        if locked.state == ChatState.TAKEN:
            ChatMessage.objects.create(chat=locked, author=Author.SYSTEM, text=_("市民已结束咨询。"))
            _event(locked, "citizen_left", None, locked.state)
    return locked


def citizen_seen(chat: Chat) -> None:
    """The citizen's page polled: the chat is not abandoned."""
    Chat.objects.filter(pk=chat.pk).update(citizen_seen_at=timezone.now())


def abandon_idle() -> int:
    """The worker's sweep: waiting chats whose citizen page stopped polling are abandoned."""
    cutoff = timezone.now() - timedelta(minutes=int(settings.CIVICDESK_CHAT_IDLE_MINUTES))
    count = 0
    for chat in Chat.objects.filter(state=ChatState.WAITING, citizen_seen_at__lt=cutoff):
        try:
            abandon(chat, reason=_("市民已离开（长时间无响应）"))
        except InvalidTransition:
            continue  # ended meanwhile
        count += 1
    return count
