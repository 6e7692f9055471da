"""The operator's side: the queue of waiting chats, taking one, answering with the knowledge
base's suggestions (the intake page's panel), and ending it. Thin views: each parses, checks
access and calls one action."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk.chat import actions, figures
from civicdesk.chat.forms import EndForm
from civicdesk.chat.models import Author, Chat, ChatMessage, ChatState
from civicdesk.lib.masking import mask_phone
from civicdesk.orders.errors import ActionError
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user

# Who reads the figures besides the desk itself: the hub's dispatchers, supervisors, leaders.
FIGURE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}


def _fragment(template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """A piece of a page the browser polls: rendered without the request, so the console's
    context processors (the menu with its queue counts) are not run every few seconds."""
    return HttpResponse(render_to_string(template, context), status=status)


def _desk_hub(user: User) -> OrgUnit:
    hubs = actions.desk_hubs(user)
    if not hubs:
        raise PermissionDenied(_("您不是受理中心的话务员，不能接待网上咨询。"))
    return hubs[0]


def waiting_chats(user: User) -> QuerySet[Chat]:
    """The chats waiting in the person's hubs (the console's menu shows how many)."""
    return Chat.objects.filter(hub__in=actions.desk_hubs(user), state=ChatState.WAITING)


def _queue_context(user: User, hub: OrgUnit) -> dict[str, Any]:
    now = timezone.now()
    waiting = list(
        Chat.objects.filter(hub=hub, state=ChatState.WAITING).select_related("enterprise").order_by("started_at")[:50]
    )
    first_words: dict[int, str] = {}
    for message in ChatMessage.objects.filter(chat__in=waiting, author=Author.CITIZEN).order_by("pk"):
        first_words.setdefault(message.chat_id, message.text)
    return {
        "waiting": [
            {
                "chat": chat,
                "phone": mask_phone(chat.citizen_phone),
                "minutes": int((now - chat.started_at).total_seconds() // 60),
                "text": first_words.get(chat.pk, ""),
            }
            for chat in waiting
        ],
        "mine": list(Chat.objects.filter(operator=user, state=ChatState.TAKEN).order_by("taken_at")),
        "figures": figures.today(hub),
    }


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hub = _desk_hub(user)
    return render(request, "chat/desk.html", {"hub": hub, **_queue_context(user, hub)})


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hub = _desk_hub(user)
    # The rows' take forms need the page's CSRF token (no context processor here).
    return _fragment("chat/_queue.html", {**_queue_context(user, hub), "csrf_token": get_token(request)})


def _chat_for(user: User, pk: int) -> Chat:
    chat = Chat.objects.select_related("hub", "operator", "enterprise", "order").filter(pk=pk).first()
    if chat is None or not actions.may_staff(user, chat):
        raise Http404(_("没有找到该咨询，或您无权查看。"))
    return chat


def _log_context(user: User, chat: Chat) -> dict[str, Any]:
    log = list(chat.messages.select_related("operator").order_by("pk"))
    return {
        "chat": chat,
        "log": log,
        "mine": chat.state == ChatState.TAKEN and chat.operator_id == user.pk,
        # What the citizen wrote, for the knowledge-base suggestions (the intake page's panel).
        "citizen_text": "\n".join(m.text for m in log if m.author == Author.CITIZEN)[-1000:],
    }


@login_required
@require_GET
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chat = _chat_for(user, pk)
    form = EndForm(hub=chat.hub)
    return render(request, "chat/conversation.html", {**_log_context(user, chat), "form": form})


@login_required
@require_GET
def desk_messages(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chat = _chat_for(user, pk)
    return _fragment("chat/_desk_log.html", _log_context(user, chat), status=200 if chat.is_open else 286)


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chat = _chat_for(user, pk)
    version = request.POST.get("version", "")
    try:
        actions.take(chat, actor=user, expected_version=int(version) if version.isdigit() else None)
    except ActionError as error:
        messages.error(request, error.message_for(user))
        return redirect("chat:desk")
    return redirect("chat:conversation", pk=chat.pk)


@login_required
@require_POST
def say(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chat = _chat_for(user, pk)
    error, status = "", 200
    try:
        actions.operator_says(chat, actor=user, text=request.POST.get("text", ""))
    except ActionError as refused:
        error, status = refused.message, 400
    chat.refresh_from_db()
    if request.headers.get("HX-Request") != "true":
        if error:
            messages.error(request, error)
        return redirect("chat:conversation", pk=chat.pk)
    return _fragment("chat/_desk_log.html", {**_log_context(user, chat), "error": error}, status=status)


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    chat = _chat_for(user, pk)
    form = EndForm(request.POST, hub=chat.hub)
    intent = request.POST.get("intent", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if intent == "answer":
                chat = actions.answer(
                    chat,
                    actor=user,
                    answer=data["text"],
                    request_type=data["request_type"],
                    article_ids=[int(a) for a in request.POST.getlist("article") if a.isdigit()],
                    category=data["category"],
                    area=data["area"],
                    title=data["title"],
                )
            elif intent == "order":
                chat = actions.make_order(
                    chat,
                    actor=user,
                    request_type=data["request_type"],
                    category=data["category"],
                    area=data["area"],
                    address=data["address"],
                    title=data["title"],
                    urgency=data["urgency"],
                    lead_unit=data["lead_unit"],
                )
            elif intent == "note":
                chat = actions.note(chat, actor=user, note=data["note"])
            else:
                raise Http404
        except ActionError as error:
            for field, message in error.fields.items():
                target = {"answer": "text", "content": "text"}.get(field, field)
                form.add_error(target if target in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.message_for(user))
        else:
            if chat.order is not None:
                messages.success(request, _("咨询已结束，工单 %(number)s 已受理。") % {"number": chat.order.number})
            else:
                messages.success(request, _("咨询已记录并结束。"))
            return redirect("chat:desk")
    context = {**_log_context(user, chat), "form": form}
    return render(request, "chat/conversation.html", context, status=400)


@login_required
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hubs = [hub for hub in (unit.hub() for unit in user.units_with_role(*FIGURE_ROLES)) if hub is not None]
    if not hubs:
        raise PermissionDenied(_("您无权查看网上咨询统计。"))
    hub = sorted(hubs, key=lambda h: h.path)[0]
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time()))
    found = figures.figures(hub, start, start + timedelta(days=1))
    return render(request, "chat/figures.html", {"hub": hub, "day": day, "figures": found})
