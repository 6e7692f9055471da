"""The citizen portal: submit, track, supplement, rate. No account; mobile first.

Nothing a citizen typed is lost on an error: every form comes back filled in, with the
message next to the field. Access to an order is by its number and the phone's last four
digits, remembered in the session for a while after a successful check (sessions live in
the database, so every app machine knows them).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicdesk.lib.plaintext import strip_html
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import OPEN
from civicdesk.portal import captcha, limits, service
from civicdesk.portal.forms import (
    TYPE_HINTS,
    RateForm,
    SubmitForm,
    SupplementForm,
    TrackForm,
    UrgeForm,
    WithdrawForm,
    category_hints,
)
from civicdesk.portal.sections import sections_for

_TRACKED = "portal_tracked"
_SUPPORTED = "portal_supported"
_SUBMITTED = "portal_submitted"
TRACK_SECONDS = 3600  # how long a successful check opens the order's page in this browser


def _answers(text: str) -> list[Any]:
    text = (text or "").strip()
    if len(text) < 4:
        return []
    # The knowledge search (jieba, numpy) loads only when the portal suggests answers.
    from civicdesk.knowledge.public import suggest_answers

    return list(suggest_answers(text[:500], limit=3))


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _question(request: HttpRequest) -> captcha.Question | None:
    """A new captcha question, or None when this address has drawn too many."""
    if not limits.take(limits.questions_per_ip(), limits.client_ip(request)):
        return None
    return captcha.new_question()


def _submit_context(request: HttpRequest, form: SubmitForm, answers: list[Any] | None = None) -> dict[str, Any]:
    question = _question(request)
    key = question.key if question is not None else ""
    if form.is_bound:
        # A fresh question each time the form comes back; the old one is spent or left to expire.
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict for a bound form
        data["captcha_key"], data["captcha_answer"] = key, ""
        form.data = data
    else:
        form.initial["captcha_key"] = key
    hints = category_hints()
    return {"form": form, "question": question, "answers": answers, "type_hints": TYPE_HINTS, "category_hints": hints}


@never_cache  # a question is answered once: its sound is not worth keeping
@require_GET
def captcha_audio(request: HttpRequest, key: str) -> HttpResponse:
    # Each sound runs a speech synthesis process: limited per address like new questions.
    if not limits.take(limits.captcha_audio_per_ip(), limits.client_ip(request)):
        return HttpResponse(_("语音验证码请求过于频繁，请稍后再试，或拨打 12345 热线。"), status=429)
    return captcha.audio(request, key)


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/submit.html", _submit_context(request, SubmitForm()))
    form = SubmitForm(request.POST, request.FILES)
    valid = form.is_valid()
    if request.POST.get("intent") == "check":
        # "先看看常见解答": show what may already help, submit nothing.
        form.errors.clear()
        answers = _answers(form.cleaned_data.get("content", "") if valid else strip_html(request.POST.get("content")))
        return render(request, "portal/submit.html", _submit_context(request, form, answers or []))
    if not valid:
        return render(request, "portal/submit.html", _submit_context(request, form), status=400)
    data = form.cleaned_data
    if not captcha.check(data.get("captcha_key", ""), data.get("captcha_answer", "")):
        form.add_error("captcha_answer", _("验证码不对或已过期，请按新的图片重新输入。"))
        return render(request, "portal/submit.html", _submit_context(request, form), status=400)
    ip = limits.client_ip(request)
    if not limits.take(limits.submit_per_ip(), ip):
        form.add_error(
            None,
            _("提交过于频繁：同一网络每小时最多提交 %(n)s 件，请稍后再试，或拨打 12345 热线。")
            % {"n": limits.submit_per_ip().count},
        )
        return render(request, "portal/submit.html", _submit_context(request, form), status=429)
    if not limits.take(limits.submit_per_phone(), data["citizen_phone"]):
        form.add_error(
            "citizen_phone",
            _("这个号码今天已提交 %(n)s 件诉求，请明天再提交，或拨打 12345 热线。")
            % {"n": limits.submit_per_phone().count},
        )
        return render(request, "portal/submit.html", _submit_context(request, form), status=429)
    try:
        order = service.submit(data, form.cleaned_data.get("photos") or [], client=ip)
    except service.PortalClosed:
        form.add_error(None, _("网上受理暂未开通，请拨打 12345 热线。"))
        return render(request, "portal/submit.html", _submit_context(request, form), status=503)
    except ActionError as error:
        for field, message in error.fields.items():
            target = {"attachments": "photos"}.get(field, field)
            form.add_error(target if target in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return render(request, "portal/submit.html", _submit_context(request, form), status=400)
    _remember(request, _SUBMITTED, order.number)
    _remember(request, _TRACKED, order.number)
    # Redirect after the post: reloading the result must not submit twice.
    return redirect("portal:submitted", number=order.number)


def _remember(request: HttpRequest, key: str, number: str) -> None:
    seen = {n: t for n, t in request.session.get(key, {}).items() if time.time() - t < TRACK_SECONDS}
    seen[number] = time.time()
    request.session[key] = seen


def _remembered(request: HttpRequest, key: str, number: str) -> bool:
    at = request.session.get(key, {}).get(number)
    return at is not None and time.time() - at < TRACK_SECONDS


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_GET
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    if not _remembered(request, _SUBMITTED, number):
        return redirect(reverse("portal:track") + f"?number={number}")
    path = reverse("portal:track") + f"?number={number}"
    base = str(settings.CIVICDESK_PUBLIC_URL)
    track_url = base + path if base else request.build_absolute_uri(path)
    return render(request, "portal/submitted.html", {"number": number, "track_url": track_url})


@require_POST
def answers(request: HttpRequest) -> HttpResponse:
    """The knowledge-base answers for what the citizen is typing (htmx). A POST: what they
    write about themselves stays out of URLs and access logs."""
    if not limits.take(limits.searches_per_ip(), limits.client_ip(request)):
        return render(request, "portal/_answers.html", {"answers": None})
    return render(request, "portal/_answers.html", {"answers": _answers(strip_html(request.POST.get("content")))})


@require_GET
def new_captcha(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/_captcha.html", {"question": _question(request)})


@never_cache  # a question is answered once: its picture is not worth keeping
@require_GET
def captcha_image(request: HttpRequest, key: str) -> HttpResponse:
    return captcha.picture(key)


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = TrackForm(initial={"number": (request.GET.get("number") or "")[:20]})
        return render(request, "portal/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": form}, status=400)
    number, digits = form.cleaned_data["number"], form.cleaned_data["last_four"]
    ip = limits.client_ip(request)
    refused = None
    # The guess is counted against the number before it is checked, in the same locked step as
    # the limit check, and given back if it was right: parallel guesses cannot slip past.
    guess = limits.reserve(limits.track_failures_per_number(), number)
    if guess is None:
        refused = _("这个工单号的查询失败次数过多，请一小时后再试，或拨打 12345 热线查询。")
    elif not limits.take(limits.track_per_ip(), ip):
        limits.release(guess)
        refused = _("查询过于频繁，请稍后再试。")
    if refused:
        form.add_error(None, refused)
        return render(request, "portal/track.html", {"form": form}, status=429)
    order = service.find_for_citizen(number, digits)
    if order is None:
        # One message for "no such order" and "wrong digits": nobody learns which numbers exist.
        form.add_error(None, _("没有查到：请核对工单号和手机号后四位（须是提交诉求时留的号码）。"))
        return render(request, "portal/track.html", {"form": form}, status=404)
    limits.release(guess)
    _remember(request, _TRACKED, number)
    return redirect("portal:order", number=number)


def _tracked_order(request: HttpRequest, number: str) -> WorkOrder | None:
    if not _remembered(request, _TRACKED, number):
        return None
    return WorkOrder.objects.select_related("category", "area", "parent").filter(number=number).first()


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_GET
def order(request: HttpRequest, number: str) -> HttpResponse:
    found = _tracked_order(request, number)
    if found is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    return render(request, "portal/order.html", _order_context(request, found))


def _order_context(request: HttpRequest, found: WorkOrder, **forms: Any) -> dict[str, Any]:
    supported = request.session.get(_SUPPORTED, [])
    return {
        "p": service.progress(found),
        "form": forms.get("form") or SupplementForm(),
        "urge_form": forms.get("urge_form") or UrgeForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "nearby": service.nearby(found, supported) if found.state in OPEN else [],
        # What other apps show of their own orders (a company's parallel approval).
        "sections": sections_for(found),
    }


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_POST
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    found = _tracked_order(request, number)
    if found is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    form = SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            service.add_supplement(found, form.cleaned_data["text"], form.cleaned_data.get("photos") or [])
        except ActionError as error:
            for field, message in error.fields.items():
                target = {"attachments": "photos"}.get(field, field)
                form.add_error(target if target in form.fields else None, message)
            if not error.fields:
                # Closed meanwhile (or before): the page no longer has the form, so say it on top.
                messages.error(request, _("这件诉求已办结，不能再补充。如有新情况，请重新提交。"))
                return redirect("portal:order", number=number)
        else:
            messages.success(request, _("补充内容已送达，承办单位会一并办理。"))
            return redirect("portal:order", number=number)
    found.refresh_from_db()
    return render(request, "portal/order.html", _order_context(request, found, form=form), status=400)


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_POST
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """催办 from the tracking page: only after the tracking check, at most
    CIVICDESK_PORTAL_URGES_PER_ORDER_DAY a day per order (and a limit per address)."""
    found = _tracked_order(request, number)
    if found is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    form = UrgeForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/order.html", _order_context(request, found, urge_form=form), status=400)
    if not limits.take(limits.urges_per_ip(), limits.client_ip(request)):
        messages.error(request, _("操作过于频繁，请稍后再试，或拨打 12345 热线。"))
        return redirect("portal:order", number=number)
    if not limits.take(limits.urges_per_order(), number):
        messages.error(
            request,
            _("这件诉求今天已催办过（每天最多 %(n)s 次），承办单位已收到提醒；如情况紧急请拨打 12345 热线。")
            % {"n": limits.urges_per_order().count},
        )
        return redirect("portal:order", number=number)
    try:
        service.urge(found, form.cleaned_data.get("note", ""))
    except ActionError:
        messages.error(request, _("这件诉求已办结，不能再催办。如有新情况，请重新提交。"))
        return redirect("portal:order", number=number)
    messages.success(request, _("已催办：承办单位和受理中心已收到提醒，会尽快办理。"))
    return redirect("portal:order", number=number)


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_POST
def support(request: HttpRequest, number: str, other: str) -> HttpResponse:
    """+1 (附议): the citizen who tracked their own order `number` (so their phone is verified
    as in tracking) says another public order of their area affects them too. Once per phone
    per order; a limit per address."""
    found = _tracked_order(request, number)
    if found is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    if not limits.take(limits.supports_per_ip(), limits.client_ip(request)):
        messages.error(request, _("操作过于频繁，请稍后再试。"))
        return redirect("portal:order", number=number)
    try:
        done = service.support(found, other)
    except ActionError:
        done = None
    if done is None:
        messages.error(request, _("这件诉求不在您所在区域的可附议列表中（可能已办结）。"))
        return redirect("portal:order", number=number)
    target, new = done
    supported = [n for n in request.session.get(_SUPPORTED, []) if n != other][-50:]
    request.session[_SUPPORTED] = [*supported, other]
    if new:
        messages.success(request, _("已附议：这件诉求现有 %(n)s 人表示同样受到影响。") % {"n": target.support_count})
    else:
        messages.info(request, _("您已附议过这件诉求，每个号码只计一次。"))
    return redirect("portal:order", number=number)


def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """Take the request back: only for the browser that proved the order is its own (the
    number and the phone's last four digits, as for tracking)."""
    found = _tracked_order(request, number)
    if found is None:
        return redirect(reverse("portal:track") + f"?number={number}")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            service.withdraw(found, form.cleaned_data["reason"])
        except ActionError as error:
            if error.fields.get("reason"):
                form.add_error("reason", error.fields["reason"])
            else:
                # Replied or closed meanwhile: the page no longer offers it; say why on top.
                messages.error(request, _("这件诉求已答复或已办结，不能再撤销。"))
                return redirect("portal:order", number=number)
        else:
            messages.success(request, _("您的诉求已撤销，不再办理。"))
            return redirect("portal:order", number=number)
    found.refresh_from_db()
    return render(request, "portal/order.html", _order_context(request, found, withdraw_form=form), status=400)


@never_cache  # what the citizen typed or their order: never kept by a cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    state = service.link_state(token)
    form = RateForm(request.POST or None)
    if request.method == "POST" and state.kind == "form" and form.is_valid():
        state = service.rate(token, **form.cleaned_data)
        if state.kind == "used":
            return redirect("portal:rate", token=token)
    if state.kind != "form":
        statuses = {"unknown": 404, "expired": 410}
        status = statuses.get(state.kind, 200)
        return render(request, "portal/rate_state.html", {"state": state}, status=status)
    assert state.link is not None
    order = state.link.order
    context = {"form": form, "order": order, "reply": service.progress(order).reply}
    return render(request, "portal/rate.html", context, status=400 if form.is_bound else 200)
