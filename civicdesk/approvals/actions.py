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
from civicdesk.enterprises.liaison import serves
from civicdesk.enterprises.models import Enterprise
from civicdesk.orders import actions, clock
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.joint import clean_lead_days, clean_part_days
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import OPEN
from civicdesk.org.models import OrgUnit, Role, User

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
    its part by its own deadline, the lead assembles the result within `lead_days`, its
    handling deadline. The actor needs the hub's rights to take in and dispatch (see
    _may_open_for). All or nothing: one transaction."""
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
    units = [unit for unit, _days in departments]
    if lead_unit.pk in {u.pk for u in units}:
        message = _("牵头部门 %(unit)s 不能同时是协同审批部门。") % {"unit": lead_unit.name}
        raise InvalidInput(message, fields={"departments": message})
    if len({u.pk for u in units}) != len(units):
        twice = sorted({u.name for u in units if sum(1 for v in units if v.pk == u.pk) > 1})
        message = _("同一部门只能列一次：%(units)s。") % {"units": "、".join(twice)}
        raise InvalidInput(message, fields={"departments": message})
    days = {unit.pk: clean_part_days(value, "departments") for unit, value in departments}
    lead = clean_lead_days(lead_days, "lead_days")
    if lead is None:
        message = _("请填写牵头部门的承诺时限（工作日）。")
        raise InvalidInput(message, fields={"lead_days": message})
    if any(d is None for d in days.values()):
        message = _("请为每个部门填写承诺时限（工作日）。")
        raise InvalidInput(message, fields={"departments": message})
    _may_open_for(actor, enterprise)
    with transaction.atomic():
        # The company's row locked: the same form sent twice waits here, then sees the first.
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk").first()
        # One application of a name under review at a time (a form sent twice); once the lead
        # department has answered, the company may apply again.
        running = Application.objects.filter(
            enterprise=enterprise, name=name, order__state__in=OPEN, order__replied_at__isnull=True
        ).first()
        if running is not None:
            message = _("%(enterprise)s 已有同名的并联审批申请在办（申请编号 %(number)s）。") % {
                "enterprise": enterprise.name,
                "number": running.order.number,
            }
            raise InvalidInput(message, fields={"name": message})
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
            # The lead department's own days are the order's handling deadline: it assembles
            # the result by then, and is counted late after it like any lead unit.
            lead_days=lead,
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


def _may_open_for(actor: User, enterprise: Enterprise) -> None:
    """Who opens an application: the hub's dispatchers and operators (the enterprise desk)
    for any company of the register, a liaison officer only for a company they are stationed
    at (驻企员代企业申请) — the core would let them dispatch an order they just took in
    themselves, whatever the company. Dispatching it at once is the core's rule: a center that
    keeps dispatch to its dispatchers refuses operators and officers (CIVICDESK_OPERATOR_MAY_DISPATCH)."""
    if not enterprise.active:
        message = _("%(name)s 已在企业库中停用。") % {"name": enterprise.name}
        raise InvalidInput(message, fields={"enterprise": message})
    if not enterprise.contact_phone:
        # The company follows its application on the portal by this phone (approvals.public).
        message = _("%(name)s 在企业库中没有联系电话：企业凭联系电话查询审批进度，请先在企业库中补全。") % {
            "name": enterprise.name
        }
        raise InvalidInput(message, fields={"enterprise": message})
    if actor.units_with_role(Role.OPERATOR, Role.DISPATCHER):
        return
    if not serves(actor, enterprise.pk):
        raise PermissionDenied(_("驻企员只能为所驻企业申请并联审批。"))


def application_of(order: WorkOrder) -> Application | None:
    return Application.objects.filter(order=order).first()
