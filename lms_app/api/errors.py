"""One JSON shape for every API error: ``{"error": message, "code": machine_code, "field": name|null}``.

The request guard in front of the backend answers ``{"error": message}`` (same key) for the
refusals it makes before the API sees the request (413, 415, 403 cross-site)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from lms_app.core.errors import PermissionDenied, ServiceError

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_error",
         429: "rate_limited", 500: "server_error"}


class ErrorBody(BaseModel):
    error: str
    code: str
    field: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, field: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.field = status, message, code or CODES.get(status, "error"), field
        self.headers = headers or {}


def not_found(what: str = "That") -> ApiError:
    return ApiError(404, f"{what} does not exist.", "not_found")


def _json(status: int, message: str, code: str, field: str | None = None, headers=None) -> JSONResponse:
    body = ErrorBody(error=message, code=code, field=field).model_dump()
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


def responses(*statuses: int) -> dict:
    """OpenAPI ``responses=`` for the error statuses an endpoint can answer."""
    return {s: {"model": ErrorBody, "description": CODES.get(s, "error").replace("_", " ")} for s in statuses}


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _json(exc.status, exc.message, exc.code, exc.field, exc.headers)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, exc: PermissionDenied):
        return _json(403, exc.message, "forbidden")

    @app.exception_handler(ServiceError)
    async def _refused(request: Request, exc: ServiceError):
        # A service's refusal (the same sentence the page shows): the request was understood
        # but breaks a rule. 422 with the field at fault when there is one.
        return _json(422, exc.message, "refused", exc.field)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
        return _json(422, f"{'.'.join(loc) or 'request'}: {first.get('msg', 'invalid')}", "validation_error",
                     ".".join(loc) or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
        return _json(exc.status_code, message, CODES.get(exc.status_code, "error"), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        import logging

        logging.getLogger("lms.api").exception("API error on %s %s", request.method, request.url.path)
        return _json(500, "Something went wrong on our side.", "server_error")
