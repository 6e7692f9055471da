"""Opening a parallel approval: one atomic action that takes the application in as an order of
the company, dispatches it at once to the lead department and to every approving department
as assisting units, each with its own part deadline (its serial time), and keeps what was
applied for. Everything after — signing, 补正, opinions, the lead's result — is the order's
own moves (civicdesk.orders.moves), each with its event."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.approvals.models import Application, ApplicationKind, ApprovalStep
from civicdesk.catalogue.models import Channel, RequestType
from civicdesk.enterprises.models import Enterprise
from civicdesk.orders import actions, clock
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.joint import clean_part_days
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User

NAME_MAX = 150  # the order title says "并联审批：" before it, within the title limit


def open_application(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str,
    lead_unit: OrgUnit,
    lead_days: float | str | Decimal,
    departments: Sequence[tuple[OrgUnit, float | str | Decimal]],
    kind: str = ApplicationKind.PROJECT,
    content: str = "",
    channel: str = Channel.WEB,
) -> Application:
    """Take in `enterprise`'s application `name` and send it to every department at once:
    `lead_unit` assembles the result, each of `departments` (unit, its working days) approves
    its part by its own deadline. The actor needs the hub's rights to take in and dispatch."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写项目/事项名称。"), fields={"name": _("请填写项目/事项名称。")})
    if len(name) > NAME_MAX:
        message = _("项目/事项名称不能超过 %(n)s 个字。") % {"n": NAME_MAX}
        raise InvalidInput(message, fields={"name": message})
    if kind not in ApplicationKind.values:
        raise InvalidInput(_("请选择项目或事项。"), fields={"kind": _("请选择项目或事项。")})
    if not departments:
        message = _("并联审批至少需要一个协同审批部门。")
        raise InvalidInput(message, fields={"departments": message})
    days = {unit.pk: clean_part_days(value, "departments") for unit, value in departments}
    lead = clean_part_days(lead_days, "lead_days")
    if lead is None or any(d is None for d in days.values()):
        message = _("请为每个部门填写承诺时限（工作日）。")
        raise InvalidInput(message, fields={"departments": message})
    with transaction.atomic():
        order = actions.create_order(
            actor=actor,
            channel=channel,
            request_type=RequestType.HELP,
            title=_("并联审批：%(name)s") % {"name": name},
            content=content
            or _("%(enterprise)s申请办理“%(name)s”，请各部门并联审批。")
            % {"enterprise": enterprise.name, "name": name},
            enterprise=enterprise,
            area=enterprise.area,
            address=enterprise.address,
            citizen_name=enterprise.contact_name,
            citizen_phone=enterprise.contact_phone,
        )
        order = actions.dispatch(
            order,
            actor=actor,
            lead_unit=lead_unit,
            assisting_units=[unit for unit, _days in departments],
            part_days_by_unit=days,  # type: ignore[arg-type]
            note=_("并联审批：各部门同时审查，各自时限。"),
        )
        application = Application.objects.create(
            order=order, enterprise=enterprise, name=name, kind=kind, created_by=actor, created_at=clock.now()
        )
        ApprovalStep.objects.create(application=application, unit=lead_unit, lead=True, days=Decimal(str(lead)))
        ApprovalStep.objects.bulk_create(
            [
                ApprovalStep(application=application, unit=unit, days=Decimal(str(days[unit.pk])))
                for unit, _days in departments
            ]
        )
    return application


def application_of(order: WorkOrder) -> Application | None:
    return Application.objects.filter(order=order).first()
