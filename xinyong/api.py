"""The JSON API, /api/v1/ (architecture §4 contract): routers of each slice, and one error format."""

import logging
import uuid

import orjson
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from xinyong.core.errors import DomainError

logger = logging.getLogger("xinyong.api")


class ReadableJSONRenderer(JSONRenderer):
    """Chinese stays Chinese in responses (ninja escapes it to \\uXXXX by default). Encoded by orjson, ten
    times faster than `json` (a batch check answers in ~6 MB of JSON); dates, times and decimals are still
    written by ninja's encoder, so every response reads as before."""

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_NINJA.default, option=_ORJSON_OPTIONS)


_NINJA = NinjaJSONEncoder()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class XinyongAPI(NinjaAPI):
    """NinjaAPI whose validation errors name a too-long field in Chinese, by its schema title."""

    def validation_error_from_error_contexts(self, error_contexts):
        error = super().validation_error_from_error_contexts(error_contexts)
        located = [(c.model, e) for c in error_contexts for e in c.pydantic_validation_error.errors()]
        for item, (model, raw) in zip(error.errors, located, strict=True):
            if raw["type"] == "string_too_long":
                label = _title(model, raw["loc"]) or str(raw["loc"][-1])
                item["msg"] = f"{label}过长：最多{raw['ctx']['max_length']}个字符，实际{len(raw['input'])}个"
        return error

    def get_openapi_operation_id(self, operation) -> str:
        # The view's name, not its module path: a generated client's function names (check_identifier,
        # post_check) stay when a slice's modules move. tests/test_openapi.py holds them unique.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                _title_inline_answers(operation)
        return schema


def _title_inline_answers(operation: dict) -> None:
    """ninja titles every answer that is not a named schema (a list of them) "Response"; generators name
    a model after the title, so twins collide. Each gets its operation's name instead."""
    name = "".join(part.capitalize() for part in operation["operationId"].split("_"))
    for status, answer in operation["responses"].items():
        for media in answer.get("content", {}).values():
            if media.get("schema", {}).get("title") == "Response":
                media["schema"]["title"] = f"{name}Response{status}"


def _title(model, loc) -> str | None:
    """The `title` of the schema field at `loc` (field names through nested schemas)."""
    title = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return title
        title, model = fields[part].title, fields[part].annotation
    return title


# The routers' tags, in the order Swagger UI shows them: ASCII names (a generated client's module names),
# described in Chinese (what Swagger UI shows beside them).
TAGS = [
    {"name": name, "description": description}
    for name, description in [
        ("identifiers", "代码校验"),
        ("subjects", "信用主体"),
        ("catalog", "信用信息目录"),
        ("records", "信用信息归集"),
        ("self_reports", "自主填报"),
        ("lists", "红黑名单"),
        ("measures", "奖惩措施"),
        ("checks", "嵌入式核查"),
        ("tasks", "推送任务"),
        ("rights", "异议与信用修复"),
        ("supervision", "信用监管"),
        ("integrity", "政务诚信与信用服务市场"),
        ("statistics", "跟踪问效"),
        ("portal", "信用门户"),
    ]
]

api = XinyongAPI(
    # An ASCII title: clients generated from the document take their package name from it.
    title="Xinyong API",
    version="1.0.0",
    description="信用平台 API：信用信息归集、联合奖惩嵌入式核查与信用服务接口。认证：`Authorization: Bearer <令牌>`。",
    renderer=ReadableJSONRenderer(),
    urls_namespace="api-v1",
    openapi_extra={"tags": TAGS},
)


def _error(request, status: int, code: str, message: str, details: list | None = None):
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_body(), status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    details = [
        {"loc": [str(p) for p in e.get("loc", ())], "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors
    ]
    named = [d["message"] for d in details if d["type"] == "string_too_long"]
    return _error(request, 422, "invalid", "；".join(named) or "请求数据不符合要求", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "缺少或无效的访问令牌（Authorization: Bearer <令牌>）")


# django-ninja's own messages, in the language of every other error (it raises them as HttpError).
NINJA_MESSAGES = {"Cannot parse request body": ("invalid_json", "请求体不是有效的 JSON，请检查格式和编码（UTF-8）")}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    for english, (code, message) in NINJA_MESSAGES.items():
        if str(exc).startswith(english):
            return _error(request, exc.status_code, code, message)
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "资源不存在")


@api.exception_handler(DataError)
def _data_error(request, exc):
    # Input the schemas let through but the database cannot hold (a NUL character, a value longer than
    # its column): the client's input, so a 4xx — the transaction has already been rolled back.
    logger.warning("database refused input on %s: %s", request.path, exc)
    return _error(request, 422, "invalid_data", "输入中含有无法保存的内容（如空字符 \\u0000 或超长的值），请检查后重试")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    # Never a stack trace to the caller; the reference ties the log entry to the report.
    reference = uuid.uuid4().hex[:12]
    logger.exception("unhandled API error %s", reference)
    return _error(request, 500, "internal", f"服务器内部错误，请联系信用办并提供编号 {reference}")


ROUTER_MODULES = [
    "xinyong.core.api",
    "xinyong.subjects.api",
    "xinyong.catalog.api",
    "xinyong.records.api",
    "xinyong.selfreports.api",
    "xinyong.lists.api",
    "xinyong.lists.entries_api",
    "xinyong.measures.api",
    "xinyong.checks.api",
    "xinyong.notices.api",
    "xinyong.rights.api",
    "xinyong.supervision.api",
    "xinyong.integrity.api",
    "xinyong.stats.api",
    "xinyong.portal.api",
]


def _mount_routers() -> None:
    from importlib import import_module

    for module in ROUTER_MODULES:
        api.add_router("/", import_module(module).router)


_mount_routers()
