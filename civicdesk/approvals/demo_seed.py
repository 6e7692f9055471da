"""Demo data for parallel approval in 青岚市: two applications of demo companies sent to the
approving departments at once — one approved on time by every department, one late (a
department that asked for more material, one that answered after its deadline, one that has
not answered yet). Added once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from civicdesk.approvals.actions import open_application
from civicdesk.approvals.models import Application
from civicdesk.enterprises.models import Enterprise
from civicdesk.orders import actions, clock
from civicdesk.org.models import OrgUnit, User
from civicdesk.worktime.limits import work_calendar

ON_TIME = "冷链仓储中心扩建项目"
LATE = "水产品深加工车间新建项目"


def _handler(city: Any, unit: OrgUnit) -> User:
    return city.handlers_of(unit)[0]


@transaction.atomic
def seed(city: Any, now: datetime) -> list[str]:
    dispatcher = User.objects.filter(username="dispatcher1").first()
    units = {code: city.departments.get(code) for code in ("sp", "zr", "hb", "zj", "xfj")}
    first = Enterprise.objects.filter(name="青岚海洋食品有限公司").first()
    second = Enterprise.objects.filter(name="青岚石岛水产加工有限公司").first()
    if dispatcher is None or first is None or second is None or None in units.values():
        return []
    if Application.objects.filter(name__in=[ON_TIME, LATE]).exists():
        return []
    sp, zr, hb, zj, xfj = (units[c] for c in ("sp", "zr", "hb", "zj", "xfj"))
    assert sp and zr and hb and zj and xfj
    calendar = work_calendar()
    operator = User.objects.filter(username="operator1").first() or dispatcher

    # On time: opened 15 working days ago, every department answered within its days.
    start = _working_days_before(calendar, now, 15)
    with clock.running_at(start):
        done = open_application(
            actor=dispatcher,
            enterprise=first,
            name=ON_TIME,
            lead_unit=sp,
            lead_days=10,
            departments=[(zr, 5), (hb, 7), (zj, 5)],
            content="青岚海洋食品有限公司拟在石岛管理区扩建冷链仓储中心，新增冷库2万吨，申请用地规划、环评和施工许可并联审批。",
        ).order
    for day, unit, text in (
        (2, zr, "用地规划符合控规，同意。"),
        (4, zj, "施工图审查合格，同意核发施工许可。"),
        (6, hb, "环境影响报告表审查通过，同意。"),
    ):
        with clock.running_at(calendar.add_working_days(start, day)):
            done = actions.give_part(done, actor=_handler(city, unit), text=text)
    with clock.running_at(calendar.add_working_days(start, 7)):
        done = actions.sign_for(done, actor=_handler(city, sp))
        done = actions.reply(done, actor=_handler(city, sp), result="solved", text="各部门审批意见均为同意，准予建设。")

    # Late: opened 9 working days ago; 环保 asked for material (补正), 自然资源 answered late,
    # 消防 has not answered past its deadline.
    start = _working_days_before(calendar, now, 9)
    with clock.running_at(start):
        late = open_application(
            actor=dispatcher,
            enterprise=second,
            name=LATE,
            lead_unit=sp,
            lead_days=15,
            departments=[(zr, 3), (hb, 5), (xfj, 4)],
            content="青岚石岛水产加工有限公司拟新建水产品深加工车间，申请规划许可、环评审批和消防设计审查并联审批。",
        ).order
    with clock.running_at(calendar.add_working_days(start, 1)):
        late = actions.request_material(late, actor=_handler(city, hb), reason="请补充废水处理工艺说明及排放口设置图。")
    with clock.running_at(calendar.add_working_days(start, 3)):
        late = actions.supply_material(late, actor=operator, note="企业已补交废水处理工艺说明。")
    with clock.running_at(calendar.add_working_days(start, 5)):
        late = actions.give_part(
            late, actor=_handler(city, zr), text="规划条件核实完毕，同意（超出承诺时限2个工作日）。"
        )
    with clock.running_at(calendar.add_working_days(start, 6)):
        late = actions.give_part(late, actor=_handler(city, hb), text="补正后材料齐全，同意环评审批。")
    return [
        f"并联审批：{ON_TIME}（按时办结）、{LATE}（消防审查超期，自然资源超期出具）；"
        f"状态页 /approvals/{done.number}/、/approvals/{late.number}/，统计 /approvals/stats/"
    ]


def _working_days_before(calendar: Any, moment: datetime, days: int) -> datetime:
    """The moment `days` working days before `moment` (at the same time of day)."""
    day = moment
    count = 0
    while count < days:
        day -= timedelta(days=1)
        if calendar.is_workday(day.date()):
            count += 1
    return day
