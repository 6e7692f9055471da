"""A supervision row reads as it did when templates drew it (orders/hub/_supervision_row.html
with orders/_form_fields.html inside): every cell, badge, message and the escalation form with
its errors, character for character, in both languages — for overdue, flagged and formally
noticed orders (due and escalated), a form sent back with mistakes, the notices after a move,
and a reader who may not escalate. The rows are now written in Python
(orders.views.supervision.row_html, orders.views.common.form_fields_html)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone, translation

from civicdesk.orders import actions
from civicdesk.orders.forms import ACTION_FORMS
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.views.common import form_fields_html, row_auto_id
from civicdesk.orders.views.supervision import EscalateRow, row_html
from tests.world import World

pytestmark = pytest.mark.django_db

# orders/hub/_supervision_row.html as it was before the rows were written in Python.
AS_IT_WAS = Template(
    "{% load i18n orders_tags %}{% with o=row.orde"
    "r %}\n"
    '<tr id="sv-{{ o.number }}"{% if row.notice an'
    'd row.notice_level == "success" %} class="tab'
    'le-success"{% endif %}>\n'
    "  <td><a href=\"{% url 'orders:detail' o.numbe"
    'r %}">{{ o.number }}</a><div class="small">{{'
    " o.title|truncatechars:28 }}</div>\n"
    '    {% if o.notice_open %}<div class="small">'
    '<span class="badge bg-warning text-dark">{{ o'
    ".notice_number }}</span> {% if o.notice_escal"
    'ated_at %}<span class="text-danger">{% transl'
    'ate "超期未答复" %}</span>{% else %}{% blocktransl'
    'ate with due=o.notice_due_at|at_minute:"m-d" '
    "%}{{ due }} 前答复{% endblocktranslate %}{% endi"
    "f %}</div>{% endif %}</td>\n"
    '  <td class="small">{{ o.lead_unit.name|defau'
    'lt:"—" }}</td>\n'
    '  <td class="small text-nowrap">{{ o.get_stat'
    "e_display }}</td>\n"
    '  <td class="small">{% deadline_badge o %} {{'
    ' o.handle_due_at|at_minute:"m-d"|default:"" }'
    "}\n"
    '    {% if o.deadline_status == "overdue" %}<d'
    'iv class="deadline-overdue">{% blocktranslate'
    " with d=o.handle_due_at|timesince %}已超 {{ d }"
    "}{% endblocktranslate %}</div>{% endif %}</td"
    ">\n"
    '  <td data-level="{{ o.supervision_level }}">'
    '{% if o.supervision_level %}<span class="badg'
    'e bg-danger">{% blocktranslate with level=o.s'
    "upervision_level %}{{ level }} 级{% endblocktr"
    "anslate %}</span>{% else %}—{% endif %}</td>\n"
    "  <td>\n"
    '    {% if row.notice %}<div class="alert aler'
    "t-{{ row.notice_level }} py-1 px-2 mb-1 small"
    "\" role=\"{% if row.notice_level == 'success' %"
    '}status{% else %}alert{% endif %}">{{ row.not'
    "ice }}</div>{% endif %}\n"
    "    {% if row.may_escalate %}\n"
    "    <details{% if row.open %} open{% endif %}"
    ">\n"
    '      <summary class="btn btn-sm btn-outline-'
    'warning py-0">{% translate "督办" %}</summary>\n'
    '      <form method="post" action="{% url \'ord'
    'ers:hub_escalate\' o.number %}" class="border '
    'rounded p-2 mt-1 bg-white"\n'
    "            hx-post=\"{% url 'orders:hub_escal"
    'ate\' o.number %}" hx-target="closest tr" hx-s'
    'wap="outerHTML">\n'
    "        {% csrf_token %}\n"
    '        {% include "orders/_form_fields.html"'
    " with form=row.form %}\n"
    '        {% if row.back %}<input type="hidden"'
    ' name="next" value="{{ row.back }}">{% endif '
    "%}\n"
    '        <button class="btn btn-sm btn-warning'
    '" type="submit">{% translate "督办并升级" %}</butt'
    "on>\n"
    "      </form>\n"
    "    </details>\n"
    "    {% endif %}\n"
    "  </td>\n"
    "</tr>\n"
    "{% endwith %}\n"
)


def _orders(w: World) -> list[WorkOrder]:
    overdue = w.signed(title='路面<坑洼> & "积水" 已经持续了很长时间，请尽快修复')
    WorkOrder.objects.filter(pk=overdue.pk).update(handle_due_at=timezone.now() - timedelta(days=2, hours=3))
    flagged = actions.supervise(w.signed(), actor=w.supervisor, note="请加快办理。")
    escalated = w.noticed()
    WorkOrder.objects.filter(pk=escalated.pk).update(notice_escalated_at=timezone.now())
    return [WorkOrder.objects.get(pk=o.pk) for o in (overdue, flagged, w.noticed(), escalated, w.dispatched())]


def _bound(order: WorkOrder) -> object:
    form = ACTION_FORMS["supervise"].form(
        {"supervise-version": "x"}, order=order, prefix="supervise", auto_id=row_auto_id(order)
    )
    assert not form.is_valid()
    form.add_error(None, "工单已被他人修改 <请刷新>")
    return form


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_row_reads_as_the_templates_drew_it(w: World, language: str) -> None:
    orders = _orders(w)
    with translation.override(language):
        for user in (w.supervisor, w.leader):
            for order in orders:
                for extra in (
                    {},
                    {"back": '/orders/supervision/?list=near&q="x"'},
                    {"form": _bound(order), "notice": "请填写督办意见", "level": "danger"},
                    {"notice": "已督办 <1 级>", "level": "success"},
                ):
                    row = EscalateRow(user, order, **extra)  # type: ignore[arg-type]
                    expected = AS_IT_WAS.render(Context({"row": row, "csrf_token": "T0KEN"}))
                    assert row_html(row, "T0KEN") == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_move_form_reads_as_the_fields_template_drew_it(w: World, language: str) -> None:
    order = w.signed()
    template = get_template("orders/_form_fields.html")
    with translation.override(language):
        for action, spec in ACTION_FORMS.items():
            for data in (None, {f"{action}-version": "x"}):
                form = spec.form(data, order=order, prefix=action, auto_id=row_auto_id(order))
                if data is not None:
                    form.is_valid()
                assert form_fields_html(form) == template.render({"form": form}), action
