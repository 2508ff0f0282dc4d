"""The OpenAPI document is complete (architecture §4): every operation has a stable operationId, declares
what it answers on success as a named schema, and declares the error answers its shape implies with the
one error body. A new endpoint without them fails here; the test client (testing.fixtures.ApiClient)
also fails any test whose endpoint answers with a status its operation does not declare."""

import re
from typing import get_args

import pytest
from pydantic import BaseModel

from xinyong.api import api
from xinyong.testing.openapi import document, operation_of, operations, undeclared_status

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
FILE = {"type": "string", "format": "binary"}
OPERATION_ID = re.compile(r"[a-z][a-z0-9_]*")
NAMED = re.compile(r"#/components/schemas/\w+")


def test_the_document_names_itself_in_ascii():
    # Generated clients take their package name from the title (openapi-python-client: xinyong-api-client).
    info = document()["info"]
    assert info["title"].isascii() and info["title"] == "Xinyong API"
    assert "信用" in info["description"]


def test_every_operation_has_a_unique_snake_case_operation_id():
    ids = [op.get("operationId", "") for _, _, op in operations()]
    assert [i for i in ids if not OPERATION_ID.fullmatch(i)] == []
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_tag_is_ascii_and_described_in_chinese():
    described = {tag["name"]: tag.get("description", "") for tag in document().get("tags", [])}
    used = {tag for _, _, op in operations() for tag in op.get("tags", [])}
    assert used and used <= set(described), used - set(described)
    assert all(name.isascii() and re.search(r"[\u4e00-\u9fff]", described[name]) for name in used)
    assert all(op.get("tags") for _, _, op in operations())


def _json_schemas(answer: dict) -> list[dict]:
    return [
        media["schema"] for media_type, media in answer.get("content", {}).items() if media_type == "application/json"
    ]


def _named(schema: dict) -> bool:
    """A named component, or a list of them: a generated client gets a model for it."""
    if schema.get("type") == "array":
        return _named(schema["items"])
    refs = [schema] if "$ref" in schema else schema.get("anyOf", [])
    return bool(refs) and all(NAMED.fullmatch(ref.get("$ref", "")) for ref in refs)


def _files(answer: dict) -> bool:
    return any(media.get("schema") == FILE for media in answer.get("content", {}).values())


def _implied_errors(operation: dict) -> set[str]:
    """Error statuses every operation of this shape can answer with: a token refused or lacking a role
    (401, 403), a body that is not JSON or that the schema refuses (400, 422), a parameter that is not of
    its type or is missing (422)."""
    implied = set()
    if operation.get("security"):
        implied |= {"401", "403"}
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        implied |= {"400", "422"}
    if body or any(_may_refuse(parameter) for parameter in operation.get("parameters", [])):
        implied.add("422")
    return implied


def _may_refuse(parameter: dict) -> bool:
    schema = parameter.get("schema", {})
    plain_text = schema.get("type") == "string" and not set(schema) - {"type", "title", "description", "default"}
    return (parameter["in"] == "query" and parameter.get("required", False)) or not plain_text


OPERATIONS = operations()


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_operation_declares_its_answers(method, path, operation):
    answers = operation["responses"]
    successes = {status: answer for status, answer in answers.items() if status.startswith("2")}
    assert successes, "no success answer declared"
    for status, answer in successes.items():
        json_schemas = _json_schemas(answer)
        assert json_schemas or _files(answer), f"{status} declares no schema (response={{{status}: SomeOut}})"
        assert all(_named(schema) for schema in json_schemas), f"{status}: {json_schemas} is not a named schema"
    errors = {status: answer for status, answer in answers.items() if status[0] in "45"}
    assert all(_json_schemas(answer) == [ERROR_BODY] for answer in errors.values()), "errors answer with ErrorBody"
    missing = _implied_errors(operation) - set(errors)
    assert not missing, f"declare **errors({', '.join(sorted(missing))}) in response="


def test_response_schemas_have_distinct_titles():
    # ninja titles every inline answer "Response"; generators name models after titles and drop twins.
    titles = [
        schema.get("title")
        for _, _, op in OPERATIONS
        for answer in op["responses"].values()
        for schema in _json_schemas(answer)
        if "$ref" not in schema
    ]
    assert "Response" not in titles
    assert sorted({t for t in titles if titles.count(t) > 1}) == []


def test_no_two_schemas_share_a_component_name():
    """Components are named after their classes; two different classes of the same name would overwrite
    each other in the document without a word (ninja merges them by name)."""
    seen: dict[tuple[str, str], dict] = {}
    clashes = set()
    for mode, model in _schema_models():
        schema = model.model_json_schema(mode=mode, ref_template="{model}")
        for name, definition in {**schema.pop("$defs", {}), model.__name__: schema}.items():
            if seen.setdefault((mode, name), definition) != definition:
                clashes.add(name)
    assert sorted(clashes) == []


def _schema_models() -> set[tuple[str, type[BaseModel]]]:
    """Each model an operation answers with or reads, once (the error body alone is in hundreds)."""
    found = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in op.response_models.values():
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        found |= {("serialization", m) for m in _models_in(model.model_fields["response"].annotation)}
                for model in op.models:
                    found |= {("validation", m) for f in model.model_fields.values() for m in _models_in(f.annotation)}
    return found


def _models_in(annotation) -> set[type[BaseModel]]:
    """The models a type names: itself, or those inside list[...], X | None, …"""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    return {model for argument in get_args(annotation) for model in _models_in(argument)}


def test_the_test_client_refuses_an_undeclared_status():
    # The check every API test runs through (fixtures.ApiClient), shown failing and passing.
    assert operation_of("GET", "/api/v1/reports/verify/R1")["operationId"] == "verify_credit_report"
    assert undeclared_status("POST", "/api/v1/checks", 201) is not None
    assert undeclared_status("POST", "/api/v1/checks", 422) is None
    assert undeclared_status("GET", "/api/v1/no-such-thing", 404) is None
