"""An inbox row reads as it did when a template drew it: every cell, badge, form and link,
character for character, in both languages, with and without the unit column, for rows with
photos, an assisting part, a leader's instruction (open and acknowledged), a formal notice, a
consultation, an urgent order, a title to cut and escape, no category, and a message after an
inline move. The rows are now written in Python (orders.views.unit.row_html)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import timezone, translation
from PIL import Image

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.views import unit
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar
from tests.world import World

pytestmark = pytest.mark.django_db

# orders/unit/_inbox_row.html as it was before the rows were written in Python.
AS_IT_WAS = Template(
    '{% load i18n orders_tags %}<tr id="row-{{ row'
    '.order.number }}">\n'
    "  <td><a href=\"{% url 'orders:detail' row.ord"
    'er.number %}">{{ row.order.number }}</a></td>'
    "\n"
    '  <td>{% order_text row.order "title" as titl'
    "e %}{{ title|truncatechars:40 }}\n"
    '    {% if row.photos %}{% include "orders/_fi'
    'les.html" with order=row.order files=row.phot'
    "os more=row.more_photos small=True %}{% endif"
    " %}\n"
    '    {% if row.part %}<div class="small text-m'
    'uted">{% blocktranslate with unit=row.part.un'
    "it.name %}{{ unit }}（协办）待提交协办意见{% endblocktra"
    "nslate %}{% if not row.part.signed_at %} · {%"
    ' translate "未签收" %}{% endif %}</div>{% endif '
    "%}\n"
    "    {% if row.order.instruction_open %}<div c"
    'lass="small"><span class="badge bg-danger">{%'
    ' translate "领导批示" %}</span>{% if not row.orde'
    "r.instruction_acknowledged_at %} {% blocktran"
    "slate with due=row.order.instruction_due_at|a"
    't_minute:"m-d" %}待签收（{{ due }} 前）{% endblockt'
    'ranslate %}{% else %} {% translate "答复时须说明落实情'
    '况" %}{% endif %}</div>{% endif %}\n'
    "    {% if row.order.notice_open %}<div class="
    '"small"><span class="badge bg-warning text-da'
    'rk">{{ row.order.notice_number }}</span> {% b'
    "locktranslate with due=row.order.notice_due_a"
    't|at_minute:"m-d" %}督办单待书面答复（{{ due }} 前）{% e'
    "ndblocktranslate %}</div>{% endif %}\n"
    '    {% if row.order.state == "consulting" %}<'
    'div class="small text-muted">{% translate "疑难'
    '件会商：请提交本单位意见" %}</div>{% endif %}\n'
    "  </td>\n"
    "  <td>{{ row.order.get_request_type_display }"
    '}{% if row.order.urgency != "normal" %} <span'
    ' class="badge bg-danger">{{ row.order.get_urg'
    "ency_display }}</span>{% endif %}</td>\n"
    '  <td>{{ row.order.category.name|default:"—" '
    "}}</td>\n"
    "  {% if show_unit %}<td>{{ row.order.lead_uni"
    't.name|default:"—" }}</td>{% endif %}\n'
    "  <td>{{ row.order.get_state_display }}</td>\n"
    '  <td class="text-nowrap">\n'
    '    <span class="badge badge-deadline-{{ row.'
    'status }}">{{ row.status.label }}</span>\n'
    '    <span class="deadline-{{ row.status }}">{'
    "{ row.countdown }}</span>\n"
    '    <div class="small text-muted">{% translat'
    'e "办理时限" %} {{ row.order.handle_due_at|at_min'
    'ute:"m-d"|default:"—" }}{% if row.sign_countd'
    'own %} · {% translate "签收" %}{{ row.sign_coun'
    "tdown }}{% endif %}</div>\n"
    "  </td>\n"
    '  <td class="inbox-actions">\n'
    "    {% for action, label, url in row.inline %"
    "}\n"
    '    <form class="d-inline" method="post" acti'
    'on="{{ url }}"\n'
    '          hx-post="{{ url }}" hx-target="clos'
    'est tr" hx-swap="outerHTML">\n'
    '      {% csrf_token %}<input type="hidden" na'
    'me="version" value="{{ row.order.version }}">'
    '<input type="hidden" name="next" value="{{ he'
    're }}">\n'
    '      <button class="btn btn-sm btn-primary" '
    'type="submit">{{ label }}</button>\n'
    "    </form>\n"
    "    {% endfor %}\n"
    "    {% for action, label, url in row.moves %}"
    '<a class="btn btn-sm btn-outline-secondary" h'
    'ref="{{ url }}?next={{ here|urlencode }}">{{ '
    "label }}</a> {% endfor %}\n"
    "    {% if not row.inline and not row.moves %}"
    '<a class="small" href="{% url \'orders:detail\''
    ' row.order.number %}">{% translate "查看" %}</a'
    ">{% endif %}\n"
    '    {% if row.message %}<div class="alert ale'
    "rt-{{ row.message_level }} py-1 px-2 mt-1 mb-"
    '0 small" role="status">{{ row.message }}</div'
    ">{% endif %}\n"
    "  </td>\n"
    "</tr>\n"
)


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("坑洼.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _orders(w: World) -> None:
    w.dispatched(urgency="urgent", title='路面<坑洼> & "积水" 已经持续了很长时间，请尽快派人到现场查看并修复，谢谢')
    w.dispatched(category=None)
    order = w.new_order(attachments=[_photo() for _ in range(5)])
    actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b, assisting_units=[w.dept_a])
    w.instructed()
    actions.acknowledge_instruction(w.instructed(), actor=w.handler_a)
    w.noticed()
    w.consulting()
    w.suspended()
    w.return_requested()
    w.signed()


def _rows(user: User) -> list[unit.Row]:
    orders = list(unit.tab_orders(user, "all").select_related("lead_unit", "category", "hub"))
    parts = unit._parts_by_order(user, orders)
    working = unit._working_units(orders)
    now, calendar, parents = timezone.now(), work_calendar(), unit._units_with_sub_units()
    rows = [unit.build_row(user, o, parts.get(o.pk), now, calendar, parents, working[o.pk]) for o in orders]
    return unit._with_photos(rows)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_row_reads_as_the_template_drew_it(w: World, language: str) -> None:
    _orders(w)
    here = '/orders/inbox/?tab=all&q=路 "x"&status=overdue'
    seen = set()
    with translation.override(language):
        for user in (w.handler_a, w.head_a):
            rows = _rows(user)
            rows[0].message, rows[0].message_level = 'Done: <"1234">', "warning"
            for row in rows:
                for show_unit in (False, True):
                    context = {"row": row, "here": here, "show_unit": show_unit, "csrf_token": "T0KEN"}
                    expected = AS_IT_WAS.render(Context({**context, "request": SimpleNamespace(user=user)}))
                    written = unit.row_html(row, user, here=here, show_unit=show_unit, csrf_token="T0KEN")
                    assert written == expected
                    seen.add(row.order.pk)
    # Every order above was compared, the part dept_a assists on (led by dept_b) among them.
    assert seen == set(WorkOrder.objects.values_list("pk", flat=True))
