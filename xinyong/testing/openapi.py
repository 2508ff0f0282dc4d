"""The API's OpenAPI document as the tests read it: each operation's declared answers, found by method and
path. The test client (fixtures.ApiClient) holds every answer it gets to them, so an endpoint that answers
with a status it does not declare fails the test that made it answer so (architecture §4: the document is
the complete list of endpoints with their schemas)."""

import functools
import json
import re

PREFIX = "/api/v1/"


@functools.cache
def document() -> dict:
    """The document as /api/v1/openapi.json serves it (statuses are strings there)."""
    from xinyong.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX), cls=api.renderer.encoder_class))


def operations() -> list[tuple[str, str, dict]]:
    """(METHOD, path template, operation) of every operation in the document."""
    return [(method.upper(), path, op) for path, ops in document()["paths"].items() for method, op in ops.items()]


@functools.cache
def _routes() -> list[tuple[re.Pattern, str, dict]]:
    routes = []
    for method, path, operation in operations():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        routes.append((re.compile(pattern), method, operation))
    # Literal paths before templated ones: /reports/verify/{number} is not /reports/{code}.
    return sorted(routes, key=lambda route: route[0].pattern.count("[^/]+"))


def operation_of(method: str, path: str) -> dict | None:
    for pattern, route_method, operation in _routes():
        if route_method == method and pattern.fullmatch(path):
            return operation
    return None


def undeclared_status(method: str, path: str, status: int) -> str | None:
    """Why this answer breaks the document, or None: a 4xx or 2xx its operation does not declare. A 5xx
    is a failure that other assertions report; a path or method the document lacks is Django's 404/405."""
    operation = operation_of(method, path.split("?", 1)[0])
    if operation is None or status >= 500 or str(status) in operation["responses"]:
        return None
    declared = ", ".join(operation["responses"])
    return f"{method} {path} answered {status}: {operation['operationId']} declares only {declared}"
