"""Log lines that can be followed through the system: a request id on every line, one line per request, Sentry.

Every request gets an id: the one a trusted proxy sent in `X-Request-ID` when it looks like an id, else a new one.
It is echoed in the response's `X-Request-ID` header, added to every log line written while the request runs
(the `request_id` field of the JSON lines, `[id]` in the text format) and tagged on Sentry events, so a person's
"it failed at 10:42" leads to the exact lines. Tasks run by the worker use the task id the same way.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# An id we accept from outside: short, and only characters that cannot forge a log line or a header.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_current_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_logger = logging.getLogger("presales.requests")


def current_request_id() -> str:
    """The id of the request (or task) being handled by this thread, "-" outside one."""
    return _current_id.get()


@contextmanager
def request_id_context(request_id: str) -> Iterator[str]:
    """Everything logged inside carries `request_id` (used for requests and for worker tasks)."""
    token = _current_id.set(request_id)
    sentry_sdk.set_tag("request_id", request_id)  # a no-op unless SENTRY_DSN turned Sentry on
    try:
        yield request_id
    finally:
        _current_id.reset(token)


def set_request_id(request_id: str) -> None:
    """For code that cannot wrap its work in request_id_context (the worker's before/after-task hooks)."""
    _current_id.set(request_id)
    sentry_sdk.set_tag("request_id", request_id)


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so both formatters can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class RequestIdMiddleware:
    """Give each request an id, log one line when it is answered, and echo the id in `X-Request-ID`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _ACCEPTED_ID.match(offered) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.monotonic()
        with request_id_context(request_id):
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            # A load balancer asks /health/ every few seconds: only its failures are worth a line.
            quiet = request.path == "/health/" and response.status_code == 200
            if getattr(settings, "PRESALES_REQUEST_LOG", False) and not quiet:
                user = getattr(request, "user", None)
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                        # An id, not a name or an e-mail: enough to follow one person's requests, no personal data.
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
        return response


def init_sentry(*, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0) -> None:
    """Report errors (web and worker) to Sentry, without personal data: no cookies, users, IPs or request bodies."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=_strip_personal_data,
    )


def _strip_personal_data(event: Any, hint: Any) -> Any:
    """Belt and braces over send_default_pii=False: drop what could still name a person."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip"}:
                    headers.pop(name)
    event.pop("user", None)
    return event
