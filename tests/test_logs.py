"""Logs: a request id on every response and log line, JSON lines in production, errors to Sentry without PII."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.utils import timezone

from presales.core import logs, workers

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept(client):
    first = client.get("/login/")
    second = client.get("/login/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/health/")["X-Request-ID"]
    assert client.get("/no-such-page/")["X-Request-ID"]
    kept = client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"


@pytest.mark.parametrize(
    "offered", ["short", "x" * 65, "evil\r\nSet-Cookie: a=b", "a b c d e f g h", "<script>alert</script>"]
)
def test_an_id_that_does_not_look_like_one_is_replaced(client, offered):
    response = client.get("/login/", HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def json_handler() -> tuple[logging.Logger, io.StringIO]:
    """A logger formatted exactly as production's LOGGING (JSON formatter and request id filter)."""
    stream = io.StringIO()
    config = settings.LOGGING
    handler = logging.StreamHandler(stream)
    formatter_config = dict(config["formatters"]["json"])
    factory = formatter_config.pop("()")
    module, _, name = factory.rpartition(".")
    formatter = getattr(__import__(module, fromlist=[name]), name)(**formatter_config)
    handler.setFormatter(formatter)
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("presales.test-json")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_production_log_lines_are_json_with_the_request_id():
    logger, stream = json_handler()
    with logs.request_id_context("req-12345678"):
        logger.info("import %s failed", 7, extra={"job": 7})
    logger.warning("outside a request")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "import 7 failed"
    assert first["request_id"] == "req-12345678"
    assert first["level"] == "INFO" and first["logger"] == "presales.test-json" and first["job"] == 7
    assert first["time"].endswith("+00:00")
    assert second["request_id"] == "-"


def test_each_request_is_logged_once_with_its_id_when_request_logging_is_on(client, settings, caplog, personas):
    settings.PRESALES_REQUEST_LOG = True
    client.force_login(personas.owner)
    with caplog.at_level(logging.INFO, logger="presales.requests"):
        response = client.get("/login/?next=/", HTTP_X_REQUEST_ID="trace-0000000042")
    [record] = [r for r in caplog.records if r.name == "presales.requests"]
    assert record.request_id == "trace-0000000042" == response["X-Request-ID"]
    assert (record.method, record.path, record.status) == ("GET", "/login/", response.status_code)
    assert record.user_id == personas.owner.pk
    assert "owner" not in record.getMessage()  # an id, never a user name or e-mail


def test_settings_choose_json_in_production_and_text_in_development():
    def log_format(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESALES_"))}
        clean.update(env)
        code = "import config.settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert log_format(DJANGO_SECRET_KEY="x" * 50) == "json"
    assert log_format(DJANGO_DEBUG="1") == "text"
    assert log_format(DJANGO_DEBUG="1", DJANGO_LOG_FORMAT="json") == "json"


# --- Sentry --------------------------------------------------------------------------------------------------


class SentryReceiver(BaseHTTPRequestHandler):
    """Stands in for Sentry's ingest endpoint on 127.0.0.1: keeps every envelope it is sent."""

    envelopes: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif self.headers.get("Content-Encoding") == "br":  # sentry-sdk prefers brotli when it is installed
            body = brotli.decompress(body)
        type(self).envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_reach_sentry_with_the_request_id_and_no_personal_data(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryReceiver)
    SentryReceiver.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESALES_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="1",
            SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/1",
            SQLITE_PATH=str(tmp_path / "db.sqlite3"),
            PRESALES_VAR_DIR=str(tmp_path / "var"),
        )
        script = ROOT / "tests" / "sentry_scenario.py"
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-3000:]
        request_id = result.stdout.strip().splitlines()[-1]
    finally:
        server.shutdown()
    events = []
    for envelope in SentryReceiver.envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    assert events, "Sentry received no event"
    event = next(e for e in events if e.get("exception"))
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["tags"]["request_id"] == request_id
    text = json.dumps(event)
    for personal in ("csrftoken-value", "alice@example.com", "Alice Zhang", "psh_alice_token", "203.0.113.9"):
        assert personal not in text, personal
    assert "user" not in event


def test_health_checks_are_logged_only_when_they_fail(client, settings, caplog):
    settings.PRESALES_REQUEST_LOG = True
    with caplog.at_level(logging.INFO, logger="presales.requests"):
        client.get("/health/")  # no worker has beaten: 503, logged
        workers.beat(kind="worker", started_at=timezone.now())
        client.get("/health/")  # 200: a load balancer's routine question, not logged
    statuses = [r.status for r in caplog.records if r.name == "presales.requests"]
    assert statuses == [503]
