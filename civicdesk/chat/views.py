"""The citizen's side of the chat, on the portal: no account. The browser that started a chat
keeps its token in the session (sessions live in the database); the phone number was given
with the portal's captcha, like a portal submission, and the same kinds of limits apply."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicdesk.chat import actions, figures, hours
from civicdesk.chat.forms import MessageForm, StartForm
from civicdesk.chat.models import Chat
from civicdesk.orders.errors import ActionError
from civicdesk.org.models import OrgUnit
from civicdesk.portal import captcha, limits, service

_SESSION = "chat_token"
# Polling stops when the server answers 286 (htmx): an ended chat has nothing more to say.
STOP_POLLING = 286


def starts_per_ip() -> limits.Limit:
    return limits.Limit("chat_start_ip", int(settings.CIVICDESK_CHAT_STARTS_PER_IP_HOUR), 3600)


def starts_per_phone() -> limits.Limit:
    return limits.Limit("chat_start_phone", int(settings.CIVICDESK_CHAT_STARTS_PER_PHONE_DAY), 86400)


def messages_per_chat() -> limits.Limit:
    return limits.Limit("chat_message", int(settings.CIVICDESK_CHAT_MESSAGES_PER_MINUTE), 60)


def _hub() -> OrgUnit | None:
    try:
        return service.portal_hub()
    except service.PortalClosed:
        return None


def _chat_of(request: HttpRequest) -> Chat | None:
    token = request.session.get(_SESSION)
    if not token:
        return None
    return Chat.objects.filter(token_hash=actions.token_hash(str(token))).select_related("hub").first()


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _start_context(request: HttpRequest, form: StartForm, hub: OrgUnit | None) -> dict[str, Any]:
    question = captcha.new_question() if limits.take(limits.questions_per_ip(), limits.client_ip(request)) else None
    if form.is_bound:
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict for a bound form
        data["captcha_key"], data["captcha_answer"] = (question.key if question else ""), ""
        form.data = data
    else:
        form.initial["captcha_key"] = question.key if question else ""
    return {
        "form": form,
        "question": question,
        "open": hub is not None and hours.staffed(hub),
        "hours": hours.hours_text(),
        "for_enterprise": request.GET.get("for") == "enterprise" or bool(form.data.get("enterprise")),
    }


def _log_context(chat: Chat) -> dict[str, Any]:
    return {
        "chat": chat,
        "log": list(chat.messages.order_by("pk")),
        "expect": figures.expectation(chat),
    }


@never_cache  # what the citizen wrote: never kept by a cache
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    hub = _hub()
    chat = _chat_of(request)
    if request.method == "GET":
        if chat is not None and (chat.is_open or request.GET.get("new") != "1"):
            return render(request, "chat/citizen.html", {**_log_context(chat), "form": MessageForm()})
        return render(request, "chat/start.html", _start_context(request, StartForm(), hub))
    form = StartForm(request.POST)
    if hub is None or not hours.staffed(hub):
        # Closed meanwhile: what they wrote goes back with the portal form offered.
        return render(request, "chat/start.html", _start_context(request, form, hub), status=503)
    if not form.is_valid():
        return render(request, "chat/start.html", _start_context(request, form, hub), status=400)
    data = form.cleaned_data
    if not captcha.check(data.get("captcha_key", ""), data.get("captcha_answer", "")):
        form.add_error("captcha_answer", _("验证码不对或已过期，请按新的图片重新输入。"))
        return render(request, "chat/start.html", _start_context(request, form, hub), status=400)
    if not limits.take(starts_per_ip(), limits.client_ip(request)):
        form.add_error(None, _("发起咨询过于频繁，请稍后再试，或拨打 12345 热线。"))
        return render(request, "chat/start.html", _start_context(request, form, hub), status=429)
    if not limits.take(starts_per_phone(), data["citizen_phone"]):
        form.add_error(
            "citizen_phone",
            _("这个号码今天已发起 %(n)s 次咨询，请明天再试，或拨打 12345 热线。") % {"n": starts_per_phone().count},
        )
        return render(request, "chat/start.html", _start_context(request, form, hub), status=429)
    chat, token = actions.start_chat(
        hub=hub,
        phone=data["citizen_phone"],
        name=data.get("citizen_name", ""),
        confidential=bool(data.get("confidential")),
        enterprise=data.get("enterprise"),
        text=data["text"],
    )
    request.session[_SESSION] = token
    # Redirect after the post: reloading the page must not start a second chat.
    return redirect("chat:home")


def _log(request: HttpRequest, chat: Chat, *, status: int = 200, error: str = "") -> HttpResponse:
    context = {**_log_context(chat), "error": error}
    if not chat.is_open and status == 200:
        status = STOP_POLLING
    # Without the request: the page's context processors (menus, counts) are not needed by a
    # fragment polled every few seconds.
    return HttpResponse(render_to_string("chat/_citizen_log.html", context), status=status)


@never_cache
@require_GET
def messages(request: HttpRequest) -> HttpResponse:
    """The conversation so far (the page polls it every few seconds)."""
    chat = _chat_of(request)
    if chat is None:
        return HttpResponse(status=404)
    if chat.is_open:
        actions.citizen_seen(chat)
    return _log(request, chat)


@never_cache
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    chat = _chat_of(request)
    if chat is None:
        return redirect("chat:home")
    form = MessageForm(request.POST)
    error = ""
    status = 200
    if not form.is_valid():
        error, status = " ".join(str(e) for e in form.errors.get("text", [])), 400
    elif not limits.take(messages_per_chat(), str(chat.pk)):
        error, status = _("发送过于频繁，请稍等片刻再发。"), 429
    else:
        try:
            actions.citizen_says(chat, text=form.cleaned_data["text"])
        except ActionError as refused:
            error, status = refused.message, 409
    if _is_htmx(request):
        chat.refresh_from_db()
        return _log(request, chat, status=status, error=error)
    if error:
        # Without scripts: the page again, with the text kept in the box and the reason above it.
        context = {**_log_context(chat), "form": form, "error": error}
        return render(request, "chat/citizen.html", context, status=status)
    return redirect("chat:home")


@never_cache
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    chat = _chat_of(request)
    if chat is not None and chat.is_open:
        with contextlib.suppress(ActionError):  # ended meanwhile: nothing to leave
            actions.citizen_leaves(chat)
    request.session.pop(_SESSION, None)
    return redirect("portal:home")
