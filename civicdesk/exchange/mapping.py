"""Column maps: which column of a file holds which field of an order, and how its values read.

One map serves both ways: `civicdesk import-orders FILE --mapping MAP` reads a center's
history with it, `civicdesk export-orders --mapping MAP` writes orders in the columns an
upstream platform prescribes. A map is a TOML file (examples in civicdesk/exchange/maps/):

    name = "山东省12345政务服务便民热线 工单交换格式"
    timezone = "Asia/Shanghai"                  # how the file's times are meant
    date_formats = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"]

    [columns]                                   # order field = the file's column header
    number = "工单编号"
    created_at = "受理时间"
    ...

    [values.channel]                            # the file's value = CivicDesk's code
    "电话" = "phone"

    [defaults]                                  # for fields without a column or left empty
    request_type = "help"

Units, categories and areas are named in the file by their code or name (or mapped in
[values.lead_unit] / [values.category] / [values.area] to a code). On export, the first
file value given for a code is written, and the columns come in the map's order.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAPS_DIR = Path(__file__).resolve().parent / "maps"

# The fields a column can hold: name → what a person calls it (shown in reports).
FIELDS: dict[str, Any] = {
    "number": gettext_lazy("工单编号"),
    "created_at": gettext_lazy("受理时间"),
    "channel": gettext_lazy("受理渠道"),
    "request_type": gettext_lazy("诉求类型"),
    "urgency": gettext_lazy("紧急程度"),
    "title": gettext_lazy("标题"),
    "content": gettext_lazy("诉求内容"),
    "address": gettext_lazy("地址"),
    "area": gettext_lazy("区域"),
    "category": gettext_lazy("分类"),
    "latitude": gettext_lazy("纬度"),
    "longitude": gettext_lazy("经度"),
    "citizen_name": gettext_lazy("来电人"),
    "citizen_phone": gettext_lazy("联系电话"),
    "upstream_platform": gettext_lazy("上级平台"),
    "upstream_id": gettext_lazy("上级平台编号"),
    "answer_text": gettext_lazy("即时答复内容"),
    "lead_unit": gettext_lazy("主办单位"),
    "dispatched_at": gettext_lazy("派单时间"),
    "signed_at": gettext_lazy("签收时间"),
    "handle_due_at": gettext_lazy("办理时限"),
    "reply_result": gettext_lazy("办理结果"),
    "reply_text": gettext_lazy("答复内容"),
    "replied_at": gettext_lazy("答复时间"),
    "accepted_at": gettext_lazy("审核通过时间"),
    "callback_at": gettext_lazy("回访时间"),
    "callback_solved": gettext_lazy("回访-解决情况"),
    "callback_satisfaction": gettext_lazy("回访-满意度"),
    "callback_comment": gettext_lazy("回访意见"),
    "closed_at": gettext_lazy("办结时间"),
}
REQUIRED = ("number", "created_at")
DATETIMES = (
    "created_at",
    "dispatched_at",
    "signed_at",
    "handle_due_at",
    "replied_at",
    "accepted_at",
    "callback_at",
    "closed_at",
)
# Fields whose file values are translated through [values.<field>] (choices and references).
CODED = (
    "channel",
    "request_type",
    "urgency",
    "reply_result",
    "callback_solved",
    "callback_satisfaction",
    "lead_unit",
    "category",
    "area",
)


class MapError(ValueError):
    """A column map that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class ColumnMap:
    name: str
    columns: dict[str, str]  # field → column header, in the file's column order
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → file value → code
    defaults: dict[str, str] = field(default_factory=dict)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    date_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S",)
    no_callback_reason: str = ""
    # Units written by name (as most provincial formats want) rather than by code.
    unit_names: bool = False
    path: str = ""

    def code(self, field_name: str, value: str) -> str:
        """A file's value → CivicDesk's code (unchanged where the map names none)."""
        return self.values.get(field_name, {}).get(value, value)

    def file_value(self, field_name: str, code: str) -> str:
        """CivicDesk's code → the file's value: the first one the map gives for it."""
        for value, mapped in self.values.get(field_name, {}).items():
            if mapped == code:
                return value
        return code

    def column_of(self, field_name: str) -> str:
        return self.columns.get(field_name, str(FIELDS.get(field_name, field_name)))


def load_map(path: str | Path) -> ColumnMap:
    """Read and check a map; a name without a path is looked up among the shipped examples."""
    file = Path(path)
    if not file.exists() and not file.suffix and (MAPS_DIR / f"{path}.toml").exists():
        file = MAPS_DIR / f"{path}.toml"
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MapError(_("找不到字段映射文件：%(path)s") % {"path": path}) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MapError(_("字段映射文件格式有误（应为 TOML）：%(error)s") % {"error": error}) from None
    columns = raw.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MapError(_("字段映射文件缺少 [columns] 一节。"))
    unknown = [name for name in columns if name not in FIELDS]
    if unknown:
        raise MapError(
            _("字段映射中有未知的字段：%(names)s。可用的字段：%(known)s")
            % {"names": "、".join(unknown), "known": "、".join(FIELDS)}
        )
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise MapError(_("字段映射必须给出这些字段的列：%(names)s") % {"names": "、".join(missing)})
    # Two fields may read one column (Boston's CLOSED_DT is both the reply and the closing);
    # an export writes such a column once, from the first of them.
    values = raw.get("values", {})
    if not isinstance(values, dict) or any(not isinstance(v, dict) or k not in CODED for k, v in values.items()):
        raise MapError(_("[values.*] 只能用于这些字段：%(names)s") % {"names": "、".join(CODED)})
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict) or any(k not in FIELDS for k in defaults):
        raise MapError(_("[defaults] 中有未知的字段。"))
    try:
        zone = ZoneInfo(str(raw.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError):
        raise MapError(_("未知的时区：%(tz)s") % {"tz": raw.get("timezone")}) from None
    formats = raw.get("date_formats", ["%Y-%m-%d %H:%M:%S"])
    if isinstance(formats, str):
        formats = [formats]
    return ColumnMap(
        name=str(raw.get("name", file.stem)),
        columns={k: str(v) for k, v in columns.items()},
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        defaults={k: str(v) for k, v in defaults.items()},
        timezone=zone,
        date_formats=tuple(str(f) for f in formats),
        no_callback_reason=str(raw.get("no_callback_reason", "")),
        unit_names=bool(raw.get("unit_names", False)),
        path=str(file),
    )
