"""An order's history told in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicdesk.orders.actions.remote import KIND_LABELS
from civicdesk.orders.models import WITHDRAW_VIA, OrderEvent, ReplyResult, Satisfaction, TransferRoute
from civicdesk.orders.workflow import State, label
from civicdesk.org.models import OrgUnit


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    detail: str
    note: str
    to_state: str


def _units(ids: list[int], names: dict[int, str]) -> str:
    return _("、").join(names.get(i, str(i)) for i in ids)


# How a 催办 reached the center (civicdesk.orders.actions.urging.Via).
URGE_VIA = {"phone": _lazy("来电"), "portal": _lazy("网上"), "api": _lazy("接口")}


def entries(events: list[OrderEvent], *, show_people: bool = True, known: dict[int, str] | None = None) -> list[Entry]:
    """The events in words. `known`: names of units the caller has already read (the order's
    assignments): only the other units the events name are looked up."""
    unit_ids: set[int] = set()
    for event in events:
        for key in (
            "lead_unit",
            "returned_from",
            "from_unit",
            "to_unit",
            "unit",
            "redispatched_from",
            "from_hub",
            "to_hub",
            "returned_from_hub",
            "upper_hub",
            "hub",
        ):
            if isinstance(event.data.get(key), int):
                unit_ids.add(event.data[key])
        unit_ids.update(event.data.get("assisting_units") or [])
        unit_ids.update(u for u in event.data.get("units") or [] if isinstance(u, int))
    names = dict(known or {})
    missing = unit_ids - set(names)
    if missing:
        names.update(OrgUnit.objects.filter(pk__in=missing).values_list("pk", "name"))
    result = []
    for event in events:
        data = event.data
        detail = ""
        if event.action in ("dispatch", "redispatch", "decide_consultation") or (
            event.action in ("approve_return", "uphold_objection") and data.get("lead_unit")
        ):
            detail = _("主办：%(lead)s") % {"lead": names.get(data.get("lead_unit"), "")}
            if data.get("assisting_units"):
                detail += _("；协办：%(units)s") % {"units": _units(data["assisting_units"], names)}
            if data.get("handle_due_at"):
                detail += _("；办理时限 %(due)s") % {"due": _fmt(data["handle_due_at"])}
            if data.get("auto"):
                detail = (
                    _("由分派模型 v%(version)s 自动派单（置信度 %(confidence)s）")
                    % {
                        "version": data.get("model_version"),
                        "confidence": f"{float(data.get('confidence') or 0):.2f}",
                    }
                    + _("；")
                    + detail
                )
            if event.action == "decide_consultation":
                detail += _("（会商决定，有约束力）")
        elif event.action == "convene_consultation":
            detail = _("参加单位：%(units)s；意见时限 %(due)s") % {
                "units": _units(data.get("units") or [], names),
                "due": _fmt(data.get("due_at", "")),
            }
        elif event.action == "give_view":
            detail = names.get(data.get("unit"), "")
            if data.get("on_time") is False:
                detail += _("（逾期提交）")
        elif event.action in ("void", "withdraw") and (data.get("units") or data.get("via")):
            parts = []
            if event.action == "withdraw" and data.get("via") in WITHDRAW_VIA:
                parts.append(_("经%(via)s") % {"via": WITHDRAW_VIA[data["via"]]})
            if data.get("units"):
                parts.append(_("已通知 %(units)s 停止办理") % {"units": _units(data["units"], names)})
            detail = _("；").join(parts)
        elif event.action == "undo_auto_dispatch":
            detail = _("撤销分派模型 v%(version)s 的自动派单，退回待派单（已通知 %(unit)s）") % {
                "version": data.get("model_version"),
                "unit": names.get(data.get("redispatched_from"), ""),
            }
        elif event.action == "hand_down":
            detail = _("%(a)s 下转 %(b)s；上级时限 %(due)s；%(callback)s") % {
                "a": names.get(data.get("from_hub"), ""),
                "b": names.get(data.get("to_hub"), ""),
                "due": _fmt(data["upper_due_at"]) if data.get("upper_due_at") else "—",
                "callback": _("由上级中心回访") if data.get("callback_by") == "upper" else _("由下级中心回访"),
            }
        elif event.action == "return_to_upper":
            detail = _("%(a)s 退回 %(b)s，待上级中心决定") % {
                "a": names.get(data.get("hub"), ""),
                "b": names.get(data.get("upper_hub"), ""),
            }
        elif event.action == "approve_return" and data.get("returned_from_hub"):
            detail = _("收回 %(unit)s 退回的工单") % {"unit": names.get(data.get("returned_from_hub"), "")}
        elif event.action == "remote_progress":
            detail = _("下级系统%(number)s：%(kind)s") % {
                "number": f" {data['remote_number']}" if data.get("remote_number") else "",
                "kind": KIND_LABELS.get(str(data.get("kind")), data.get("kind", "")),
            }
            if data.get("unit_name"):
                detail += _("（%(unit)s）") % {"unit": data["unit_name"]}
            if data.get("needs_upper"):
                detail += _("，%(days)s 个工作日，超过上级时限，须本中心审批") % {"days": data.get("days")}
            elif data.get("returned_from_hub"):
                detail += _("，已收回待派单")
        elif event.action == "remote_late_report":
            detail = _("下级系统%(number)s：%(kind)s（工单已不在该系统办理，仅记录）") % {
                "number": f" {data['remote_number']}" if data.get("remote_number") else "",
                "kind": KIND_LABELS.get(str(data.get("kind")), data.get("kind", "")),
            }
        elif event.action == "return_to_upstream":
            detail = _("退回上级平台 %(platform)s") % {"platform": data.get("platform", "")}
        elif event.action == "request_extension" and data.get("needs_platform"):
            detail = _("%(days)s 个工作日，超过上级平台时限，待上级平台审批") % {"days": data.get("days")}
        elif event.action == "request_extension" and data.get("needs_upper"):
            detail = _("%(days)s 个工作日，超过上级时限，须上级中心审批") % {"days": data.get("days")}
        elif event.action == "sub_dispatch":
            detail = _("%(a)s → %(b)s") % {
                "a": names.get(data.get("from_unit"), ""),
                "b": names.get(data.get("to_unit"), ""),
            }
        elif event.action in ("request_extension", "approve_extension"):
            detail = _("%(days)s 个工作日") % {"days": data.get("days")}
            if data.get("handle_due_at"):
                detail += _("，新时限 %(due)s") % {"due": _fmt(data["handle_due_at"])}
            if data.get("upstream_due_at"):
                detail += _("；上级平台时限改为 %(due)s") % {"due": _fmt(data["upstream_due_at"])}
        elif event.action == "reply":
            detail = str(ReplyResult(data["result"]).label) if data.get("result") in ReplyResult.values else ""
        elif event.action == "record_callback":
            parts = []
            if data.get("solved") in ReplyResult.values:
                parts.append(str(ReplyResult(data["solved"]).label))
            if data.get("satisfaction") in Satisfaction.values:
                parts.append(str(Satisfaction(data["satisfaction"]).label))
            if data.get("rework"):
                parts.append(_("退回重办"))
            detail = _("，").join(parts)
        elif event.action == "transfer_out" and data.get("route") in TransferRoute.values:
            detail = str(TransferRoute(data["route"]).label)
        elif event.action == "merge":
            detail = _("并入 %(number)s") % {"number": data.get("parent_number", "")}
        elif event.action == "deadline_notice":
            detail = _("%(level)s级预警，时限 %(due)s") % {
                "level": data.get("level"),
                "due": _fmt(data.get("due_at", "")),
            }
        elif event.action == "follow_calendar":
            detail = _calendar_moves(data)
        elif event.action == "supervise":
            detail = _("%(level)s级督办") % {"level": data.get("level")}
        elif event.action == "accept_reply" and data.get("override_reason"):
            detail = _("答复未通过质量检查，仍予通过，理由：%(reason)s") % {"reason": data["override_reason"]}
        elif event.action == "urge":
            detail = _("第%(count)s次催办（%(via)s）") % {
                "count": data.get("count"),
                "via": URGE_VIA.get(str(data.get("via")), data.get("via")),
            }
            if data.get("unit"):
                detail += _("，催 %(unit)s") % {"unit": names.get(data["unit"], "")}
            if data.get("supervision_level"):
                detail += _("；达到催办次数，升为%(level)s级督办") % {"level": data["supervision_level"]}
        who = _("系统")
        if event.actor is None and data.get("platform_key"):
            # Made here because the upstream platform (or the CivicDesk above) said so.
            who = _("上级平台")
        if event.actor is not None:
            who = str(event.actor) if show_people else ""
        if event.acting_unit is not None:
            who = f"{event.acting_unit.name} {who}".strip()
        result.append(Entry(event.at, who, label(event.action), detail, event.note, str(State(event.to_state).label)))
    return result


def _fmt(iso: str) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _calendar_moves(data: dict[str, object]) -> str:
    """Which deadlines a calendar change moved, from when to when."""
    names = {
        "handle_due_at": _("办理时限"),
        "sign_due_at": _("签收时限"),
        "return_due_at": _("退单时限"),
        "callback_due_at": _("回访时限"),
        "part_due_at": _("协办时限"),
    }
    moved = data.get("moved")
    parts = []
    for field, span in moved.items() if isinstance(moved, dict) else []:
        name = names.get(field.split(":")[0])
        if name is None or not isinstance(span, list) or len(span) != 2:
            continue
        if ":" in field and field.startswith("sign_due_at"):
            name = _("单位签收时限")
        parts.append(_("%(name)s %(old)s → %(new)s") % {"name": name, "old": _fmt(span[0]), "new": _fmt(span[1])})
    return "；".join(parts)
