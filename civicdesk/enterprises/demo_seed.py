"""Demo data for enterprise services in 青岚市: companies with valid credit codes, liaison
officers, licences expiring over the coming months (some renewed), enterprise orders (some
handled jointly), and a duty roster for the coming days off with one uncovered day."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicdesk.catalogue.models import Category, RequestType
from civicdesk.enterprises.models import (
    Enterprise,
    EnterpriseSize,
    LiaisonAssignment,
    Licence,
    LicenceKind,
)
from civicdesk.enterprises.reminders import create_due_reminders, renew
from civicdesk.lib import creditcode
from civicdesk.orders import actions, clock
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from civicdesk.worktime.duty import covered_units, non_working_days
from civicdesk.worktime.models import DutyShift

DIVISION = "371099"  # 青岚市 (fictional county-level division under 东州市)
# (name, industry, size, town code, contact)
COMPANIES: list[tuple[str, str, str, str, str]] = [
    ("青岚海洋食品有限公司", "C", EnterpriseSize.MEDIUM, "sd", "王海波"),
    ("青岚市远洋渔业股份有限公司", "A", EnterpriseSize.LARGE, "sd", "于振东"),
    ("东州港湾冷链物流有限公司", "G", EnterpriseSize.MEDIUM, "ng", "孙立新"),
    ("青岚新材料科技有限公司", "C", EnterpriseSize.SMALL, "ds", "刘晓晨"),
    ("青岚船舶修造有限公司", "C", EnterpriseSize.LARGE, "ng", "姜国庆"),
    ("青岚市桃园果蔬专业合作社", "A", EnterpriseSize.MICRO, "ty", "李春生"),
    ("青岚清溪酿造有限公司", "C", EnterpriseSize.SMALL, "qx", "张玉兰"),
    ("青岚龙泉矿泉水有限公司", "C", EnterpriseSize.SMALL, "lq", "赵志刚"),
    ("青岚市建工集团有限公司", "E", EnterpriseSize.LARGE, "cg", "陈建华"),
    ("青岚安泰化工有限公司", "C", EnterpriseSize.MEDIUM, "bs", "郭明"),
    ("青岚市城投物业服务有限公司", "K", EnterpriseSize.MEDIUM, "cg", "周婷"),
    ("青岚惠民大药房连锁有限公司", "F", EnterpriseSize.SMALL, "xh", "吴敏"),
    ("青岚好客来餐饮管理有限公司", "H", EnterpriseSize.SMALL, "xh", "郑丽娜"),
    ("青岚望海度假酒店有限公司", "H", EnterpriseSize.MEDIUM, "wh", "冯涛"),
    ("青岚智慧云信息技术有限公司", "I", EnterpriseSize.SMALL, "ds", "何子轩"),
    ("青岚农商银行股份有限公司", "J", EnterpriseSize.LARGE, "cg", "高峰"),
    ("青岚顺达运输有限公司", "G", EnterpriseSize.SMALL, "bl", "马永强"),
    ("青岚红旗农机制造有限公司", "C", EnterpriseSize.MEDIUM, "hq", "曲红军"),
    ("青岚柳河纺织有限公司", "C", EnterpriseSize.MEDIUM, "lh", "杨秀英"),
    ("青岚市第一人民医院药业有限公司", "Q", EnterpriseSize.SMALL, "xh", "林慧"),
    ("青岚青山石材有限公司", "B", EnterpriseSize.SMALL, "qs", "刘大山"),
    ("青岚大王庄养殖有限公司", "A", EnterpriseSize.SMALL, "dw", "邹庆丰"),
    ("青岚三官木业有限公司", "C", EnterpriseSize.MICRO, "sg", "毕文"),
    ("青岚海景文化传媒有限公司", "R", EnterpriseSize.MICRO, "ds", "宋佳"),
    ("青岚北岭新能源有限公司", "D", EnterpriseSize.MEDIUM, "bl", "韩光明"),
    ("青岚白沙海参育苗有限公司", "A", EnterpriseSize.SMALL, "bs", "孙海"),
    ("青岚南港电子商务有限公司", "F", EnterpriseSize.MICRO, "ng", "罗晓"),
    ("青岚东山职业培训学校", "P", EnterpriseSize.MICRO, "ds", "唐敏"),
    ("青岚城关商贸有限公司", "F", EnterpriseSize.SMALL, "cg", "黄立"),
    ("青岚石岛水产加工有限公司", "C", EnterpriseSize.MEDIUM, "sd", "王建"),
]
# Liaison officers beyond the city's liaison1: (username, name, phone).
OFFICERS = [
    ("liaison2", "驻企员 林海燕", "13900010002"),
    ("liaison3", "驻企员 曹立伟", "13900010003"),
    ("liaison4", "驻企员 许文静", "13900010004"),
]
# Licence kinds by industry section, with the department code that issues them.
_LICENCES: dict[str, list[tuple[str, str]]] = {
    "C": [(LicenceKind.FOOD_PRODUCTION, "sj"), (LicenceKind.DISCHARGE, "hb")],
    "A": [(LicenceKind.OTHER, "ny")],
    "G": [(LicenceKind.TRANSPORT, "jt")],
    "E": [(LicenceKind.CONSTRUCTION, "zj"), (LicenceKind.SAFETY, "yj")],
    "H": [(LicenceKind.FOOD, "sj"), (LicenceKind.HEALTH, "wj")],
    "F": [(LicenceKind.FOOD, "sj")],
    "Q": [(LicenceKind.HEALTH, "wj")],
    "B": [(LicenceKind.SAFETY, "yj")],
    "D": [(LicenceKind.SAFETY, "yj")],
}
_ISSUES = [
    ("申请办理排污许可证延续，材料已提交多日未有回复", "hb", ("zj",)),
    ("厂区门前道路破损严重，货车通行困难", "zj", ("jt",)),
    ("企业用电负荷增加，申请增容报装", "gd", ()),
    ("员工子女入学咨询，希望协调就近入学", "jy", ()),
    ("冷库建设项目审批进度咨询", "sp", ("zr", "hb")),
    ("厂区周边夜间施工噪声影响员工休息", "hb", ()),
    ("申请技改项目专项补贴，咨询申报条件", "gx", ("cz",)),
    ("企业招聘需求，希望对接人社部门招聘会", "rs", ()),
    ("码头区域供水管网老化，多次停水影响生产", "zls", ("sw",)),
    ("食品生产许可证变更登记咨询", "sj", ()),
    ("厂区消防通道被占用，请求协调处理", "xfj", ("cg",)),
    ("企业拖欠工资纠纷，员工集体反映", "rs", ("sf",)),
]


def _code(n: int) -> str:
    return creditcode.build("9", "1", DIVISION, f"MA{n:06X}"[-8:])


def _officers(city: Any) -> list[User]:
    officers = list(User.objects.filter(username="liaison1"))
    for username, name, phone in OFFICERS:
        officers.append(city.add_user(username, name, phone, [(city.hub, Role.LIAISON)]))
    for officer in officers:
        if not officer.email:
            User.objects.filter(pk=officer.pk).update(email=f"{officer.username}@qinglan.example")
    return officers


def _enterprises(city: Any, rng: random.Random) -> list[Enterprise]:
    found = []
    for n, (name, industry, size, town, contact) in enumerate(COMPANIES, start=1):
        enterprise, _created = Enterprise.objects.get_or_create(
            credit_code=_code(0x1A2B00 + n * 37),
            defaults={
                "name": name,
                "industry": industry,
                "size": size,
                "area": city.town_areas.get(town),
                "address": f"{city.town_areas[town].name}工业园{n}号" if town in city.town_areas else "",
                "contact_name": contact,
                "contact_phone": f"137{rng.randrange(10**7, 10**8)}",
                "contact_email": f"contact{n}@company{n}.example" if n % 3 else "",
            },
        )
        found.append(enterprise)
    return found


def _licences(city: Any, enterprises: list[Enterprise], today: date, rng: random.Random) -> tuple[int, int]:
    created = renewed = 0
    business_unit = city.departments.get("sp") or city.departments["sj"]
    for n, enterprise in enumerate(enterprises, start=1):
        kinds = [
            (LicenceKind.BUSINESS, business_unit.code.removeprefix("ql-d-")),
            *_LICENCES.get(enterprise.industry, []),
        ]
        for k, (kind, dept) in enumerate(kinds):
            unit = city.departments.get(dept) or business_unit
            # Spread over the coming eight months, a few already in the reminder window.
            valid_to = today + timedelta(days=(n * 17 + k * 53) % 240 + 3)
            years = 20 if kind == LicenceKind.BUSINESS else 5
            _licence, made = Licence.objects.get_or_create(
                kind=kind,
                number=f"QL{kind[:2].upper()}{2021 + k}{n:04d}",
                defaults={
                    "enterprise": enterprise,
                    "issuing_unit": unit,
                    "valid_to": valid_to,
                    "valid_from": valid_to - timedelta(days=365 * years),
                },
            )
            created += made
            if made and n % 9 == 0 and (valid_to - today).days < 90:
                renew(_licence, new_valid_to=valid_to + timedelta(days=365 * 5), note="已现场办理延续")
                renewed += 1
    return created, renewed


def _orders(city: Any, enterprises: list[Enterprise], officers: list[User], now: datetime, rng: random.Random) -> int:
    if WorkOrder.objects.filter(enterprise__in=enterprises).exists():
        return 0
    dispatcher = User.objects.filter(username="dispatcher1").first()
    leaves = {c.name: c for c in Category.objects.filter(children__isnull=True)}
    count = 0
    for i, (title, lead_code, assisting_codes) in enumerate(_ISSUES):
        enterprise = enterprises[(i * 7) % len(enterprises)]
        officer = officers[i % len(officers)]
        moment = now - timedelta(days=20 - i, hours=rng.randrange(0, 5))
        lead = city.departments.get(lead_code)
        assisting = [city.departments[c] for c in assisting_codes if c in city.departments]
        with clock.running_at(moment):
            order = actions.create_order(
                actor=officer,
                channel="liaison",
                request_type=RequestType.HELP,
                title=title[:40],
                content=f"{enterprise.name}反映：{title}。请相关部门协调解决。",
                enterprise=enterprise,
                area=enterprise.area,
                address=enterprise.address,
                citizen_name=enterprise.contact_name,
                citizen_phone=enterprise.contact_phone,
                category=leaves.get("行政审批") if "审批" in title else None,
            )
            order = actions.send_to_hub(order, actor=officer)
        if dispatcher is None or lead is None:
            count += 1
            continue
        with clock.running_at(moment + timedelta(hours=1)):
            order = actions.dispatch(
                order, actor=dispatcher, lead_unit=lead, assisting_units=assisting, part_days=2 if assisting else None
            )
        handler = (city.handlers_of(lead) or [None])[0]
        if handler is not None and i % 4 != 3:
            with clock.running_at(moment + timedelta(hours=3)):
                order = actions.sign_for(order, actor=handler)
            for j, unit in enumerate(assisting):
                helper = (city.handlers_of(unit) or [None])[0]
                if helper is not None and (i + j) % 3 != 2:
                    with clock.running_at(moment + timedelta(days=1 + j * 3)):
                        order = actions.give_part(order, actor=helper, text=f"{unit.name}已核查并提出办理意见。")
        count += 1
    return count


def _roster(city: Any, today: date) -> tuple[int, date | None]:
    """Fill the coming days off for the hub and every unit — except the hub on one day."""
    hub = city.hub
    hub_staff = list(User.objects.filter(username__in=["dispatcher1", "dispatcher2", "operator1"]).order_by("username"))
    days = non_working_days(today, 35)
    uncovered = days[1] if len(days) > 1 else None
    rows = []
    existing = set(DutyShift.objects.filter(day__in=days).values_list("day", "unit_id", "user_id"))
    for index, day in enumerate(days):
        for unit in covered_units(hub):
            if unit.pk == hub.pk:
                if day == uncovered or not hub_staff:
                    continue
                people = [hub_staff[index % len(hub_staff)]]
            else:
                people = city.handlers_of(unit)[:1] or list(
                    User.objects.filter(memberships__unit=unit, memberships__role=Role.HANDLER)[:1]
                )
            for person in people:
                if (day, unit.pk, person.pk) not in existing:
                    rows.append(DutyShift(day=day, unit=unit, user=person, note="周末值班"))
    DutyShift.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows), uncovered


@transaction.atomic
def seed(city: Any, now: datetime) -> list[str]:
    rng = random.Random(8)
    today = timezone.localdate(now)
    officers = _officers(city)
    enterprises = _enterprises(city, rng)
    for i, enterprise in enumerate(enterprises):
        officer = officers[i % len(officers)]
        LiaisonAssignment.objects.get_or_create(
            officer=officer, enterprise=enterprise, starts_on=today - timedelta(days=180)
        )
    licences, renewed = _licences(city, enterprises, today, rng)
    orders = _orders(city, enterprises, officers, now, rng)
    reminders = create_due_reminders(today)
    shifts, uncovered = _roster(city, today)
    assert all(unit.kind in (UnitKind.CENTER, UnitKind.DEPARTMENT, UnitKind.TOWN) for unit in covered_units(city.hub))
    lines = [
        f"企业服务：{len(enterprises)} 家企业，新增证照 {licences} 张（换证 {renewed} 张），"
        f"涉企工单 {orders} 张，到期提醒 {reminders} 条，值班安排 {shifts} 条"
        + (f"（{uncovered:%Y-%m-%d} 中心无人值班，首页会提示）" if uncovered else ""),
        f"驻企员账号（密码均为 {city.password}）：",
    ]
    for officer in officers:
        count = LiaisonAssignment.objects.filter(officer=officer).count()
        lines.append(f"  {officer.username:<14} {officer!s:<16} 驻点企业 {count} 家")
    unit_names = "、".join(sorted({u.name for u in OrgUnit.objects.filter(issued_licences__isnull=False).distinct()}))
    lines.append(f"  证照到期提醒页：/enterprises/licences/（发证单位：{unit_names}）")
    return lines
