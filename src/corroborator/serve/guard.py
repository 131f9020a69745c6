"""An ASGI wrapper that refuses what a read-only ledger server never needs, before routing.

- methods other than GET / HEAD -> 405;  query strings or paths over 2 kB -> 414;
- any request body (Content-Length > 0 or Transfer-Encoding) -> 413;
- a Host header outside ``allowed_hosts`` (when given) -> 400, so a page on another site cannot reach a
  loopback server through DNS rebinding;
and adds security headers (a strict Content-Security-Policy: no scripts at all, styles and images only from
this server) to every response. Refusals are JSON ``{"error": {"status", "message"}}``. An error raised after
the answer was sent (a 500) is logged, and the connection kept open for the client's next request.
"""
from __future__ import annotations

import json
import logging

log = logging.getLogger("corroborator.serve")
MAX_QUERY = 2048
MAX_PATH = 2048
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; "
                                 b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class RequestGuard:
    def __init__(self, app, allowed_hosts=None):
        self.app = app
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self._refusal(scope)
        if refusal is not None:
            status, message, extra = refusal
            body = json.dumps({"error": {"status": status, "message": message}}).encode()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close"), *extra, *SECURITY_HEADERS]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        answered = False

        async def send_with_headers(message):
            nonlocal answered
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                answered = True
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers 500 and then raises again, and uvicorn closes a connection whose app raised:
            # a client that had sent its next request on that connection got a connection error instead.
            if not answered:
                raise
            log.exception("error in answering %s (answered 500; the connection is kept)", scope.get("path"))

    def _refusal(self, scope):
        if scope["method"] not in ("GET", "HEAD"):
            return 405, "this server is read-only: only GET and HEAD are allowed", [(b"allow", b"GET, HEAD")]
        if len(scope.get("query_string", b"")) > MAX_QUERY:
            return 414, f"query string longer than {MAX_QUERY} bytes", []
        if len(scope.get("raw_path") or scope["path"].encode()) > MAX_PATH:
            return 414, f"path longer than {MAX_PATH} bytes", []
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if b"transfer-encoding" in headers or (length is not None and length.strip() not in (b"0", b"")):
            return 413, "request bodies are not accepted", []
        if self.allowed_hosts is not None:
            host = headers.get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed_hosts:
                return 400, f"unexpected Host header {host!r}", []
        return None
