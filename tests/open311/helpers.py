"""Shared checks for the Open311 tests: JSON bodies against the published schemas, XML
against JSON, field by field."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO.parent / "shared" / "data" / "open311_georeport_v2_schemas"
BASE = "/open311/v2"


@cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = []
    for path in SCHEMAS.glob("*.json"):
        if path.name == "swagger.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def validate(body: Any, schema: str) -> None:
    """Validate against one of request.json, requests.json, service.json, services.json,
    service-definition.json."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"Open311 JSON Schemas not found at {SCHEMAS} (shared/data is not laid beside the repo)")
    from jsonschema import Draft7Validator, FormatChecker

    contents = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    validator = Draft7Validator(contents, registry=_registry(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def validate_swagger(body: Any, definition: str) -> None:
    """Validate a list body against a definition of swagger.json (RequestResponse,
    TokenResponse): the bodies the JSON Schema files do not cover."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"Open311 JSON Schemas not found at {SCHEMAS} (shared/data is not laid beside the repo)")
    from jsonschema import Draft4Validator

    swagger = json.loads((SCHEMAS / "swagger.json").read_text(encoding="utf-8"))
    schema = {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": f"#/definitions/{definition}"},
        "definitions": swagger["definitions"],
    }
    errors = list(Draft4Validator(schema).iter_errors(body))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def get_json(client: Client, path: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(BASE + path + ".json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def get_xml(client: Client, path: str, expect: int = 200, **params: Any) -> ET.Element:
    response = client.get(BASE + path + ".xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def assert_same(value: Any, element: ET.Element, where: str = "") -> None:
    """The XML element says what the JSON value says: same fields, same values."""
    where = where or element.tag
    if isinstance(value, dict):
        tags = [child.tag for child in element]
        assert sorted(tags) == sorted(value), f"{where}: XML fields {tags} vs JSON {list(value)}"
        for key, item in value.items():
            found = element.find(key)
            assert found is not None, f"{where}/{key} missing in XML"
            assert_same(item, found, f"{where}/{key}")
    elif isinstance(value, list):
        children = list(element)
        assert len(children) == len(value), f"{where}: {len(children)} XML items vs {len(value)} JSON items"
        for index, (item, child) in enumerate(zip(value, children, strict=True)):
            assert_same(item, child, f"{where}[{index}]")
    elif value is None:
        assert not element.text and not list(element), f"{where}: expected empty, got {element.text!r}"
    elif isinstance(value, bool):
        assert element.text == ("true" if value else "false"), f"{where}: {element.text!r} vs {value}"
    elif isinstance(value, int | float):
        assert element.text is not None and float(element.text) == value, f"{where}: {element.text!r} vs {value}"
    else:
        assert element.text == value, f"{where}: {element.text!r} vs {value!r}"


def both(client: Client, path: str, **params: Any) -> Any:
    """GET the JSON and the XML of one resource, check they agree, return the JSON."""
    body = get_json(client, path, **params)
    assert_same(body, get_xml(client, path, **params))
    return body


def errors_of(response: Any, status: int) -> list[dict[str, Any]]:
    """The standard error list of a JSON or XML error response, checked for shape."""
    assert response.status_code == status, response.content
    assert b"Traceback" not in response.content and b"<html" not in response.content.lower()
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(response.content)
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        body = [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")} for e in root]
    assert isinstance(body, list) and body
    for item in body:
        assert set(item) == {"code", "description"}
        assert item["code"] == status and item["description"]
    return body
