"""Bodies in both formats the standard names: XML (required) and JSON.

Views build plain data (dicts, lists, strings, numbers, booleans, None); this module writes
it out. In XML a list becomes one element per item, named after its container
(attributes → attribute, notes → note, ...).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

_ITEM = {
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """Ends a request with the standard error list."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        child = _ITEM.get(tag, "item")
        for item in value:
            _append(element, child, item)
    else:
        element.text = _text(value)


def to_xml(data: Any, root: str, item: str) -> bytes:
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _append(element, item, entry)
    else:
        for key, value in data.items():
            _append(element, key, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, data: Any, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return HttpResponse(body, content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(data, root, item), content_type=XML_TYPE, status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)
