"""Domain errors and their HTTP form.

Services raise these; the API turns them into `{"error": {"code", "message", "details"}}` with a 4xx
status (architecture §4). Messages are Chinese because they reach department staff as-is.
"""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []

    def as_body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
