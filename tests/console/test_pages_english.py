"""A staff member who switched to English meets no Chinese on any page they can reach, except
the data people typed or the center entered.

Every role signs in, switches to English and follows every link of every page it reaches
(GET only, one page per path and set of query parameter names). On each page, the text a
person sees — text nodes and the title, placeholder, aria-label and alt attributes, not
scripts or styles — must hold no CJK character once user data is taken out.

What counts as user data, exactly:
- every string stored in the database (any CharField or TextField of any model: unit, user,
  category and area names, order titles and contents, reasons typed in moves, articles, …),
  and the masked form of each caller's name (王**): such strings are removed from the page
  text, longest first, before it is checked;
- a staff member's name as the code shortens it (回访员小赵 → 小赵 in the callback script);
- an element marked with a Chinese `lang` attribute (lang="zh-hans"): content deliberately
  in Chinese, such as the "中文" button of the language switch.
Anything else in Chinese is a string the code shows and must be translated.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client

from civicdesk.catalogue.tagging import enterprise_topic
from civicdesk.lib.masking import mask_name
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Role, User
from tests.world import World

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
MAX_PAGES = 160  # per role: far more than the distinct pages a role can reach
# Not pages: leaving, downloads, the JSON API, Django's admin. (The portal, the citizens' own
# frame, is walked anonymously by its own test below.)
SKIP = re.compile(r"^/(logout|admin|api|open311|static|media|i18n|healthz)|\.(xlsx|pdf|csv|json)$|/pdf/$|/export")
_VISIBLE_ATTRS = ("title", "placeholder", "aria-label", "alt")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Page(HTMLParser):
    """The visible text of a page and its links, skipping elements marked lang="zh…"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = tag in ("script", "style") or (values.get("lang") or "").startswith("zh")
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if not (skip or self._skipping()):
            self.texts += [str(values[a]) for a in _VISIBLE_ATTRS if values.get(a)]
        if tag not in _VOID:
            self._stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(data)


def _data_strings() -> re.Pattern[str]:
    """Every stored string with a Chinese character, as one pattern (longest first)."""
    found: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                for value in model._default_manager.values_list(field.name, flat=True).distinct():
                    if value and HAN.search(str(value)):
                        found.add(str(value))
                        # A long text is also shown cut short ("…"), or one line at a time.
                        found.update(line.strip() for line in str(value).splitlines() if line.strip())
                        found.update(str(value)[:n] for n in (20, 30, 40, 50, 60, 80))
    found.update(mask_name(name) for name in WorkOrder.objects.values_list("citizen_name", flat=True) if name)
    for name in User.objects.values_list("display_name", flat=True):
        found.update(name[n:] for n in range(len(name) - 1))
    return re.compile("|".join(re.escape(s) for s in sorted(found, key=len, reverse=True)))


def _key(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + ",".join(sorted({name for name, _v in parse_qsl(parts.query)}))


def _crawl(user: User, data: re.Pattern[str]) -> dict[str, set[str]]:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    seen: set[str] = set()
    todo: deque[str] = deque(["/"])
    chinese: dict[str, set[str]] = {}
    while todo and len(seen) < MAX_PAGES:
        url = todo.popleft()
        if _key(url) in seen:
            continue
        seen.add(_key(url))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for text in page.texts:
            rest = data.sub(" ", text)
            if CJK.search(rest):
                chinese.setdefault(url, set()).add(" ".join(rest.split())[:80])
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(seen) > 3, f"{user.username} reached only {seen}"
    return chinese


def _orders(w: World) -> None:
    w.signed()
    w.pending(urgency="urgent")
    w.answered()
    w.return_requested()
    w.extension_requested()
    w.awaiting_callback()
    w.closed()
    w.joint()


def test_every_page_of_every_role_is_english_apart_from_user_data(w: World) -> None:
    liaison = w.person("liaison", "驻企员小林", (w.hub, Role.LIAISON))
    _orders(w)
    enterprise_topic()  # the 涉企 topic, as every installation has it once an enterprise files
    data = _data_strings()
    people = [
        w.operator,
        w.dispatcher,
        w.handler_a,
        w.head_a,
        w.callback_agent,
        w.supervisor,
        w.leader,
        w.admin,
        liaison,
    ]
    found = {person.username: _crawl(person, data) for person in people}
    untranslated = {f"{who} {url}": sorted(texts) for who, pages in found.items() for url, texts in pages.items()}
    assert not untranslated, "\n".join(f"{where}: {texts}" for where, texts in untranslated.items())


def _portal_texts(
    client: Client, url: str, data: re.Pattern[str], *, post: dict[str, object] | None = None
) -> tuple[set[str], list[str]]:
    """The Chinese left on one portal page (after user data is taken out), and its links."""
    response = client.post(url, post) if post is not None else client.get(url, follow=True)
    assert response.status_code < 500, f"{url}: {response.status_code}"
    if "text/html" not in response.get("Content-Type", ""):
        return set(), []
    page = _Page()
    page.feed(response.content.decode())
    left = {" ".join(data.sub(" ", t).split())[:80] for t in page.texts if CJK.search(data.sub(" ", t))}
    return left, page.links


def test_every_portal_page_is_english_apart_from_user_data(
    w: World, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """The citizens' portal in English: home, the submit form (and its errors), the knowledge
    base answers, tracking (and its errors), an order's progress with the supplement form, the
    page after submitting, and the rating link in each of its states."""
    from civicdesk.notifications.models import OutboxMessage  # only this test reads the SMS
    from civicdesk.orders import actions  # likewise: the orders the citizen follows

    monkeypatch.setattr("civicdesk.portal.captcha._question", lambda: ("7", "7"))
    settings.CIVICDESK_PUBLIC_URL = "https://12345.qinglan.example"  # type: ignore[attr-defined]
    phone = "13912345678"
    tracked = w.signed(citizen_phone=phone)
    actions.supplement(tracked, actor=w.operator, text="来电人补充：路灯杆已倾斜。")
    rated = w.awaiting_callback(citizen_phone=phone)
    sms = OutboxMessage.objects.get(order=rated, template="citizen_accept_reply")
    rating = re.search(r"(/portal/r/[A-Za-z0-9_-]+)", sms.text)
    assert rating, sms.text
    data = _data_strings()

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # type: ignore[attr-defined]
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    todo: deque[str] = deque(["/portal/", "/portal/submit", "/portal/track", rating.group(1), "/portal/r/unknown"])

    def walk() -> None:
        while todo:
            url = todo.popleft()
            if _key(url) in seen:
                continue
            seen.add(_key(url))
            left, links = _portal_texts(client, url, data)
            if left:
                found[url] = left
            for href in links:
                parts = urlsplit(href)
                if not parts.scheme and parts.path.startswith("/portal/") and not parts.path.endswith(".png"):
                    todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    walk()
    # Forms sent wrong: every error a citizen can meet.
    posts = {
        "/portal/submit": {"intent": "submit", "content": "", "citizen_phone": "123", "captcha_key": "x"},
        "/portal/track": {"number": "2026", "last_four": "12"},
        "/portal/answers": {"content": "路灯不亮"},
    }
    for url, post in posts.items():
        left, _links = _portal_texts(client, url, data, post=post)
        if left:
            found[f"POST {url}"] = left
    left, _links = _portal_texts(client, "/portal/track", data, post={"number": tracked.number, "last_four": "0000"})
    if left:
        found["POST /portal/track (wrong digits)"] = left
    # The citizen's own order, once tracked, and its supplement form sent empty.
    assert client.post("/portal/track", {"number": tracked.number, "last_four": phone[-4:]}).status_code == 302
    todo.append(f"/portal/track/{tracked.number}")
    walk()
    left, _links = _portal_texts(client, f"/portal/track/{tracked.number}/supplement", data, post={"text": ""})
    if left:
        found["POST supplement"] = left
    # Rated: the link's "already used" state.
    client.post(rating.group(1), {"solved": "solved", "satisfaction": "satisfied", "comment": ""})
    seen.discard(_key(rating.group(1)))
    todo.append(rating.group(1))
    walk()

    assert {"/portal/?", "/portal/submit?", "/portal/track?", f"/portal/track/{tracked.number}?"} <= seen, seen
    assert _key(rating.group(1)) in seen
    assert not found, "\n".join(f"{url}: {sorted(texts)}" for url, texts in found.items())
