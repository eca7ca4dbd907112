"""How a message reaches the outside world: e-mail, the three chat platforms' robots, and signed webhooks.

Each chat payload follows the platform's published format for a custom / group robot:

- WeCom (企业微信) group robot: POST the webhook address (it holds the robot's key) with
  `{"msgtype": "markdown", "markdown": {"content": ...}}`; success is `{"errcode": 0}`.
- DingTalk (钉钉) custom robot with a signing secret: `timestamp` (milliseconds) and `sign` =
  urlencode(base64(HMAC-SHA256(key=secret, message=f"{timestamp}\\n{secret}"))) added to the address's query;
  body `{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`; success is `{"errcode": 0}`.
- Feishu (飞书) custom bot with signature verification: `timestamp` (seconds) and `sign` =
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", message=b"")) in the JSON body beside
  `{"msg_type": "post", "content": {"post": {<locale>: {"title": ..., "content": [[...]]}}}}`; success is
  `{"code": 0}` (older deployments answer `{"StatusCode": 0}`).

Outbound webhooks carry the JSON event, signed `X-Presales-Signature: sha256=<hex HMAC-SHA256 of the body>` with the
webhook's secret. A send raises `SendError` with a short reason; the caller records it and tries again later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import pgettext

TIMEOUT_SECONDS = 10


def OPEN() -> str:  # noqa: N802 - reads like the label it is
    return pgettext("link to the page", "Open")


USER_AGENT = "PresalesHub-Notifier/1"


class SendError(Exception):
    """The server did not accept the message (or could not be reached); the text says why, for the log."""


@dataclass(frozen=True)
class Message:
    """What a person or a group is told: a title (the kind), the text, and an absolute link."""

    title: str
    text: str
    link: str


# --- signatures ---------------------------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` query value (already URL-encoded as its documentation shows)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's `sign` body field: the HMAC key is "timestamp\\nsecret" and the message is empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def webhook_signature(secret: str, body: bytes) -> str:
    """Our webhooks' `X-Presales-Signature` header value."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- payloads -----------------------------------------------------------------------------------------------------------


def wecom_payload(message: Message) -> dict[str, Any]:
    content = f"**{message.title}**\n{message.text}\n[{OPEN()}]({message.link})"
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(message: Message) -> dict[str, Any]:
    text = f"#### {message.title}\n\n{message.text}\n\n[{OPEN()}]({message.link})"
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def feishu_payload(message: Message, language: str) -> dict[str, Any]:
    locale = "zh_cn" if language.startswith("zh") else "en_us"
    paragraph = [{"tag": "text", "text": message.text + " "}, {"tag": "a", "text": OPEN(), "href": message.link}]
    return {"msg_type": "post", "content": {"post": {locale: {"title": message.title, "content": [paragraph]}}}}


# --- sending ------------------------------------------------------------------------------------------------------------


def check_robot_address(url: str) -> None:
    """Chat robots post only to the platforms' hosts (settings.PRESALES_CHAT_ROBOT_HOSTS), so a robot address typed
    by anyone cannot make the server call an internal address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"https", "http"} or parts.hostname not in settings.PRESALES_CHAT_ROBOT_HOSTS:
        raise SendError(f"address not allowed: {parts.hostname}")


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POST JSON; the status and body of a 2xx answer, else SendError."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return post_body(url, body, headers)


def post_body(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - http(s) only: checked by the callers and the forms
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise SendError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise SendError(f"unreachable: {getattr(error, 'reason', error)}") from error


def _platform_answer(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body or b"{}")
    except ValueError as error:
        raise SendError("answer is not JSON") from error
    if not isinstance(answer, dict):
        raise SendError("answer is not a JSON object")
    return answer


def send_chat(*, platform: str, url: str, secret: str, message: Message, language: str) -> None:
    """Post a message to one robot in its platform's format; returns only when the platform accepted it."""
    check_robot_address(url)
    if platform == "wecom":
        _status, body = post_json(url, wecom_payload(message))
        answer = _platform_answer(body)
        if answer.get("errcode") != 0:
            raise SendError(f"WeCom errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])
    elif platform == "dingtalk":
        if secret:
            timestamp_ms = int(time.time() * 1000)
            separator = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
        _status, body = post_json(url, dingtalk_payload(message))
        answer = _platform_answer(body)
        if answer.get("errcode") != 0:
            raise SendError(f"DingTalk errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])
    elif platform == "feishu":
        payload = feishu_payload(message, language)
        if secret:
            timestamp_s = int(time.time())
            payload = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **payload}
        _status, body = post_json(url, payload)
        answer = _platform_answer(body)
        if answer.get("code", answer.get("StatusCode")) != 0:
            raise SendError(f"Feishu code {answer.get('code')}: {answer.get('msg', '')}"[:300])
    else:
        raise SendError(f"unknown platform {platform}")


def send_email(*, to: str, message: Message) -> None:
    """Send one e-mail; returns only when the mail server accepted it."""
    try:
        accepted = send_mail(
            subject=message.text[:120],
            message=f"{message.text}\n\n{message.link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to],
            fail_silently=False,
        )
    except Exception as error:  # smtplib, socket and backend errors alike: recorded, tried again later
        raise SendError(f"{type(error).__name__}: {error}"[:300]) from error
    if accepted != 1:
        raise SendError("the mail server did not accept the message")


def send_webhook(*, url: str, secret: str, event: str, delivery_id: str, payload: dict[str, Any]) -> int:
    """POST one signed event; returns the HTTP status when it was 2xx."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    headers = {
        "X-Presales-Event": event,
        "X-Presales-Delivery": delivery_id,
        "X-Presales-Signature": webhook_signature(secret, body),
    }
    status, _body = post_body(url, body, headers)
    return status
