"""Every failure as JSON {"detail": "...", "code": "...", "fields": {...}} — never a stack
trace, never an HTML page."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from civicdesk.orders.errors import ActionError, ConflictError, InvalidInput, InvalidTransition, PermissionDenied

logger = logging.getLogger("civicdesk.api")

ACTION_STATUS: dict[type[ActionError], int] = {
    PermissionDenied: 403,
    ConflictError: 409,
    InvalidInput: 422,
    InvalidTransition: 422,
}
NOT_FOUND = "没有找到该工单，或您无权查看。"


class ApiError(Exception):
    """An error the API itself raises, with its status, code and field messages."""

    def __init__(self, status: int, code: str, detail: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.fields = fields or {}


def body(detail: str, code: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"detail": detail, "code": code, "fields": fields or {}}


def json_error(status: int, detail: str, code: str, fields: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse(body(detail, code, fields), status=status, json_dumps_params={"ensure_ascii": False})


# Pydantic's messages, in the words a Chinese caller reads.
def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    known = {
        "missing": "必填。",
        "string_too_long": "不能超过 {max_length} 个字。",
        "string_too_short": "不能少于 {min_length} 个字。",
        "string_pattern_mismatch": "格式不正确。",
        "string_type": "须为字符串。",
        "int_parsing": "须为整数。",
        "int_type": "须为整数。",
        "int_from_float": "须为整数。",
        "bool_parsing": "须为 true 或 false。",
        "bool_type": "须为 true 或 false。",
        "enum": "须为以下之一：{expected}。",
        "literal_error": "须为以下之一：{expected}。",
        "greater_than_equal": "不能小于 {ge}。",
        "less_than_equal": "不能大于 {le}。",
        "greater_than": "须大于 {gt}。",
        "less_than": "须小于 {lt}。",
        "too_long": "最多 {max_length} 项。",
        "list_type": "须为数组。",
        "decimal_parsing": "须为数字。",
        "decimal_type": "须为数字。",
        "decimal_max_digits": "数字位数过多。",
        "decimal_max_places": "小数位数过多。",
        "decimal_whole_digits": "整数位数过多。",
        "multiple_of": "须为 {multiple_of} 的整数倍。",
        "datetime_parsing": "须为 ISO 8601 时间，如 2026-01-31T08:30:00+08:00。",
        "datetime_from_date_parsing": "须为 ISO 8601 时间，如 2026-01-31T08:30:00+08:00。",
        "datetime_type": "须为 ISO 8601 时间。",
        "model_type": "须为 JSON 对象。",
        "dict_type": "须为 JSON 对象。",
        "extra_forbidden": "不接受该字段。",
        "value_error": "{error}",
    }
    template = known.get(kind)
    if template is None:
        return str(error.get("msg", "取值无效。"))
    try:
        return template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return str(error.get("msg", "取值无效。"))


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    # ("body", "payload", "title") → "title"; ("query", "page") → "page".
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        name = _field(error.get("loc") or ())
        message = _message(error)
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        fields[name] = f"{fields[name]} {message}" if name in fields else message
    return fields


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ActionError)
    def _action(request: HttpRequest, exc: ActionError) -> HttpResponse:
        status = next((s for cls, s in ACTION_STATUS.items() if isinstance(exc, cls)), 422)
        return json_error(status, exc.message, exc.code, exc.fields)

    @api.exception_handler(ApiError)
    def _api(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return json_error(exc.status, exc.detail, exc.code, exc.fields)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_fields(list(exc.errors))
        summary = "；".join(f"{k}：{v}" for k, v in list(fields.items())[:5])
        return json_error(422, f"请求参数有误。{summary}", "validation_error", fields)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = json_error(
            401,
            "未认证：请在 Authorization 请求头中提供有效的令牌（Bearer <token>）；令牌可能已被吊销。",
            "unauthorized",
        )
        response["WWW-Authenticate"] = 'Bearer realm="civicdesk"'
        return response

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return json_error(404, NOT_FOUND, "not_found")

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return json_error(400, "请求体不是有效的 JSON。", "bad_request")
        return json_error(exc.status_code, str(exc.message), "error")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return json_error(413, "请求体过大。", "too_large")

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return json_error(400, "请求无效。", "bad_request")

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("internal API error on %s %s", request.method, request.path)
        return json_error(500, "服务器内部错误，请稍后重试；如持续出现请联系管理员。", "server_error")
