"""Errors at the web layer's edge: JSON ``{"error": {"status", "message"}}`` under ``/api`` (and for
``/openapi.json``), the error page everywhere else.

- ``HTTPException`` (404 of a missing record or page, 405): its status and message;
- ``RequestValidationError``: 422 with each parameter's problem (``details``);
- ``Busy`` (``serve.workers``): 503 with ``Retry-After``;
- any other exception: 500, with no detail of the server's state.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .site import Site
from .workers import Busy

MESSAGES = {404: "not found", 405: "method not allowed"}


def error_response(site: Site, request: Request, status: int, message: str, details=None):
    """The answer to a failed request: JSON for the API, the error page for the web pages."""
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        body = {"error": {"status": status, "message": message}}
        if details:
            body["error"]["details"] = details
        return JSONResponse(body, status_code=status)
    return site.render("error.html", status=status, status_code=status, message=message, details=details or [])


def add_error_handlers(app: FastAPI, site: Site) -> None:
    """Install the handlers of the module's doc on ``app``."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else MESSAGES.get(exc.status_code, "error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page or resource at {request.url.path}"
        return error_response(site, request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        summary = "; ".join(f"{d['where']}: {d['problem']}" for d in details)
        return error_response(site, request, 422, f"invalid request: {summary}", details)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        return error_response(site, request, 500, "internal error: the server could not answer this request")

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        response = error_response(site, request, 503, str(exc))
        response.headers["retry-after"] = str(exc.retry_after)
        return response
