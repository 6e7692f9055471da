"""The applicant company sees its own application on the portal, without an account: its
contact tracks the application number with the last four digits of the phone in the
register, like a citizen tracks a request — with the same single answer for a wrong number
or wrong digits and the same limits — and the page shows every department's state, deadline
and what it asked to be supplied, the lead's deadline and the summary; not the opinions."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.approvals.models import Application
from civicdesk.orders import actions
from tests.portal.helpers import text, track
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def _page(client: Client, number: str) -> str:
    return text(client.get(f"/portal/track/{number}"))


def test_the_companys_contact_sees_every_department_of_its_application(w: World, application: Application) -> None:
    order = application.order
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        order = actions.request_material(order, actor=w.handler_b, reason="请补充冷库平面布置图。")
        order = actions.give_part(order, actor=w.handler_c, text="生态环境分局：环评内部审查意见，同意。")

    client = Client()
    with time_machine.travel(at(2026, 3, 11, 9), tick=False):
        assert track(client, order.number, "5678").status_code == 302  # the register's phone: 13712345678
        html = _page(client, order.number)

    assert "并联审批进度" in html and "冷库扩建项目" in html
    for department in ("市市场监督管理局", "市生态环境分局", "市住房和城乡建设局"):
        assert department in html
    assert "补正中（暂停计时）" in html and "请补充冷库平面布置图。" in html
    assert "已出具意见" in html and "2026-03-12 09:00" in html  # the environment bureau's own deadline
    assert "2026-03-16 09:00" in html  # the lead department's deadline
    assert "1/2 个部门已出具意见" in html
    assert "环评内部审查意见" not in html  # a department's opinion is not the company's to read


def test_wrong_digits_get_the_one_answer_and_count_against_the_number(
    w: World, application: Application, settings: Settings
) -> None:
    settings.CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER = 2
    number = application.order.number
    for _attempt in range(2):
        wrong = track(Client(), number, "0000")
        assert wrong.status_code == 404 and "没有查到" in text(wrong)
    # Used up for this number, from any address: even the right digits wait now.
    assert track(Client(), number, "5678").status_code == 429
    assert "并联审批进度" not in _page(Client(), number)


def test_without_the_check_the_page_is_the_check_form(w: World, application: Application) -> None:
    response = Client().get(f"/portal/track/{application.order.number}")
    assert response.status_code == 302 and "/portal/track?number=" in response["Location"]


def test_an_ordinary_request_has_no_approval_section(w: World) -> None:
    order = w.signed(citizen_phone="13800005678")
    client = Client()
    assert track(client, order.number, "5678").status_code == 302
    assert "并联审批进度" not in _page(client, order.number)
