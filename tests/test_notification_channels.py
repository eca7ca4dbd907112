"""Notifications leaving the app: e-mail and the three chat platforms' robots, and signed outbound webhooks.

A real HTTP receiver listens on 127.0.0.1 (a thread of http.server) and checks what each platform's documentation
says it checks: the payload's shape and the signature. Failing receivers are retried with backoff and then reported
failed; time is moved with time-machine, never slept.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from presales.core.secrets import decrypt_secret
from presales.notifications import channels, delivery, kinds, services, tasks, webhooks
from presales.notifications.models import (
    ChatRobot,
    Delivery,
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

DINGTALK_SECRET = "SEC0123456789abcdef"  # noqa: S105 - a test value
FEISHU_SECRET = "feishu-test-secret"  # noqa: S105 - a test value
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request of a Chinese reader activates Chinese in this thread: give the next test the default back."""
    yield
    translation.activate("en")


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the local server got, and how it answers: `fail` answers HTTP 500 (or a platform error) to everything."""

    base: str
    requests: list[Received] = field(default_factory=list)
    fail: bool = False

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _platform_answer(received: Received) -> tuple[int, dict[str, Any]]:
    """Answer like the platform would: check the signature and the documented payload shape."""
    body = received.json
    if received.path == "/wecom/send":
        ok = body.get("msgtype") == "markdown" and isinstance(body["markdown"].get("content"), str)
        return 200, {"errcode": 0 if ok else 40008, "errmsg": "ok" if ok else "invalid message type"}
    if received.path == "/dingtalk/send":
        timestamp = received.query["timestamp"][0]
        string_to_sign = f"{timestamp}\n{DINGTALK_SECRET}".encode()
        expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), string_to_sign, hashlib.sha256).digest())
        # parse_qs already URL-decoded the sign
        signed = received.query["sign"][0] == expected.decode()
        shaped = body.get("msgtype") == "markdown" and {"title", "text"} <= set(body["markdown"])
        if not signed:
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        return 200, {"errcode": 0 if shaped else 40035, "errmsg": "ok"}
    if received.path.startswith("/feishu/"):
        key = f"{body.get('timestamp')}\n{FEISHU_SECRET}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if body.get("sign") != expected:
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
        shaped = body.get("msg_type") == "post" and "post" in body.get("content", {})
        return 200, {"code": 0 if shaped else 9499, "msg": "success", "data": {}}
    return 200, {}


@pytest.fixture
def receiver():
    """An HTTP server on 127.0.0.1 in a thread, recording every POST."""
    state = Receiver(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            parts = urllib.parse.urlsplit(self.path)
            received = Received(
                path=parts.path,
                query=urllib.parse.parse_qs(parts.query),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length),
            )
            state.requests.append(received)
            if state.fail:
                status, answer = 500, {"error": "down"}
            else:
                status, answer = _platform_answer(received)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _caught_up(personas):
    """The personas' set-up told people about their steps after no commit: send those first, as a worker would."""
    delivery.deliver_due()
    mail.outbox.clear()


def _tell(person, **overrides):
    params = {"request": "Demo · 数据中心升级", "engineer": "Engineer Zhao"}
    return services.notify(recipient=person, kind=kinds.REQUEST_DONE, params=params, **overrides)


def _robot(person, receiver, platform, path, secret=""):
    return services.chat_robot_create(
        actor=person, platform=platform, name=platform, webhook_url=receiver.url(path), secret=secret
    )


# --- chat robots ----------------------------------------------------------------------------------------------------


def test_each_platform_gets_its_documented_format_with_a_valid_signature(
    personas, receiver, django_capture_on_commit_callbacks
):
    owner = personas.owner
    _robot(owner, receiver, "wecom", "/wecom/send")
    _robot(owner, receiver, "dingtalk", "/dingtalk/send", DINGTALK_SECRET)
    _robot(owner, receiver, "feishu", "/feishu/hook", FEISHU_SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        note = _tell(owner)
    assert note is not None
    statuses = {d.channel: (d.status, d.last_error) for d in Delivery.objects.filter(notification=note)}
    assert statuses == {
        "email": (DeliveryStatus.SENT, ""),
        "wecom": (DeliveryStatus.SENT, ""),
        "dingtalk": (DeliveryStatus.SENT, ""),
        "feishu": (DeliveryStatus.SENT, ""),
    }
    by_path = {r.path: r for r in receiver.requests}
    link = f"https://presales.example.com/notifications/{note.pk}/"
    assert link in by_path["/wecom/send"].json["markdown"]["content"]
    assert "Done: Demo · 数据中心升级 (by Engineer Zhao)." in by_path["/dingtalk/send"].json["markdown"]["text"]
    feishu = by_path["/feishu/hook"].json
    paragraph = feishu["content"]["post"]["en_us"]["content"][0]
    assert paragraph[1] == {"tag": "a", "text": "Open", "href": link}
    assert mail.outbox[-1].body.endswith(link)


def test_robot_addresses_and_secrets_are_stored_encrypted(personas, receiver):
    robot = _robot(personas.owner, receiver, "dingtalk", "/dingtalk/send?access_token=abc", DINGTALK_SECRET)
    stored = ChatRobot.objects.get(pk=robot.pk)
    assert "access_token" not in stored.webhook_url_encrypted and DINGTALK_SECRET not in stored.secret_encrypted
    assert decrypt_secret(stored.secret_encrypted) == DINGTALK_SECRET
    assert robot.history.get().history_change_reason == "chat robot added"


def test_a_robot_address_outside_the_platform_hosts_is_refused(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.chat_robot_create(
            actor=personas.owner, platform="wecom", name="x", webhook_url="http://10.0.0.8/cgi-bin/webhook/send"
        )
    assert "webhook_url" in raised.value.message_dict


def test_a_wrong_signature_is_refused_by_the_platform_and_reported(
    personas, receiver, django_capture_on_commit_callbacks
):
    _robot(personas.owner, receiver, "feishu", "/feishu/hook", "not-the-secret")
    with django_capture_on_commit_callbacks(execute=True):
        note = _tell(personas.owner)
    feishu = Delivery.objects.get(notification=note, channel="feishu")
    assert feishu.status == DeliveryStatus.PENDING and feishu.attempts == 1
    assert feishu.last_error.startswith("Feishu code 19021")


def test_a_team_robot_gets_its_members_notifications_of_the_kinds_it_chose(
    personas, receiver, django_capture_on_commit_callbacks
):
    team = personas.owner.team
    assert team is not None and team.manager is not None
    services.chat_robot_create(
        actor=team.manager,
        team=team,
        platform="wecom",
        name="East sales",
        webhook_url=receiver.url("/wecom/send"),
        kinds_chosen=["request_done"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _tell(personas.owner)
        services.notify(
            recipient=personas.owner,
            kind=kinds.RATING_OWED,
            params={"engineer": "E", "deal": "D"},
        )
    contents = [r.json["markdown"]["content"] for r in receiver.requests]
    assert len(contents) == 1 and str(personas.owner) in contents[0]


def test_only_the_team_manager_or_an_admin_adds_team_robots(personas, receiver):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.chat_robot_create(
            actor=personas.teammate,
            team=personas.owner.team,
            platform="wecom",
            name="x",
            webhook_url=receiver.url("/wecom/send"),
        )


# --- e-mail ---------------------------------------------------------------------------------------------------------


def test_email_is_marked_sent_only_when_the_server_accepted_it(personas, django_capture_on_commit_callbacks):
    with (
        override_settings(EMAIL_BACKEND="tests.test_notification_channels.RefusingBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        note = _tell(personas.owner)
    email = Delivery.objects.get(notification=note, channel="email")
    assert (email.status, email.attempts, email.sent_at) == (DeliveryStatus.PENDING, 1, None)
    assert "SMTPRecipientsRefused" in email.last_error
    assert email.next_attempt_at is not None and email.next_attempt_at > email.created_at  # backoff, not at once
    # The mail server is back: the sweep sends it once the backoff is over, and only then is it sent.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert delivery.deliver_due() == "1 sent, 0 to retry, 0 failed"
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.sent_at is not None
    assert [m.to for m in mail.outbox] == [[personas.owner.email]]


def test_a_person_who_turned_email_off_gets_no_email(personas, django_capture_on_commit_callbacks):
    owner = services.email_choice_set(actor=personas.owner, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        note = _tell(owner)
    assert not Delivery.objects.filter(notification=note).exists() and mail.outbox == []
    assert personas.owner.history.latest().history_change_reason == "notification e-mail off"


class RefusingBackend:
    """A mail backend whose server refuses every message (as smtplib reports it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"owner@example.com": (550, b"mailbox unavailable")})


# --- retries, backoff, idempotence ----------------------------------------------------------------------------------


def test_a_failing_receiver_is_retried_with_backoff_then_reported_failed(
    personas, receiver, django_capture_on_commit_callbacks, caplog
):
    receiver.fail = True
    _robot(personas.owner, receiver, "wecom", "/wecom/send")
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            note = _tell(personas.owner)
        robot_delivery = Delivery.objects.get(notification=note, channel="wecom")
        assert (robot_delivery.attempts, robot_delivery.last_error) == (1, "HTTP 500")
        # Nothing is tried before its backoff is over.
        assert delivery.deliver_due() == "0 sent, 0 to retry, 0 failed"
        for wait in delivery.BACKOFF:
            clock.shift(wait)
            delivery.deliver_due()
        robot_delivery.refresh_from_db()
    assert robot_delivery.status == DeliveryStatus.FAILED
    assert robot_delivery.attempts == delivery.MAX_ATTEMPTS == len(receiver.requests)
    assert robot_delivery.next_attempt_at is None
    assert any("failed after 5 attempts" in record.getMessage() for record in caplog.records)


def test_a_delivery_task_run_twice_sends_once(personas, receiver, django_capture_on_commit_callbacks):
    _robot(personas.owner, receiver, "wecom", "/wecom/send")
    with django_capture_on_commit_callbacks(execute=True):
        note = _tell(personas.owner)
    robot_delivery = Delivery.objects.get(notification=note, channel="wecom")
    assert tasks.send_delivery.call_local(robot_delivery.pk) == "nothing"
    assert delivery.deliver_due() == "0 sent, 0 to retry, 0 failed"
    assert len(receiver.requests) == 1 and len(mail.outbox) == 1


# --- outbound webhooks ----------------------------------------------------------------------------------------------


def _webhook(personas, receiver, events):
    return webhooks.webhook_create(actor=personas.admin, name="CRM", url=receiver.url("/hooks/presales"), events=events)


def test_a_webhook_gets_the_signed_json_event(personas, receiver, django_capture_on_commit_callbacks):
    hook, secret = _webhook(personas, receiver, [WebhookEvent.DEAL_WON])
    assert secret.startswith("whsec_") and secret not in Webhook.objects.get(pk=hook.pk).secret_encrypted
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit_event(event=WebhookEvent.DEAL_WON, data={"deal": {"id": 7}})
        webhooks.emit_event(event=WebhookEvent.DEAL_LOST, data={"deal": {"id": 8}})  # not subscribed
    (received,) = receiver.requests
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["x-presales-signature"], expected)
    assert received.headers["x-presales-event"] == "deal.won"
    assert received.json["event"] == "deal.won" and received.json["data"] == {"deal": {"id": 7}}
    assert received.headers["x-presales-delivery"] == received.json["id"]
    row = WebhookDelivery.objects.get()
    assert (row.status, row.response_status) == (DeliveryStatus.SENT, 200)


def test_an_event_emitted_twice_with_its_key_is_sent_once(personas, receiver, django_capture_on_commit_callbacks):
    _webhook(personas, receiver, [WebhookEvent.STEP_OVERDUE])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit_event(event=WebhookEvent.STEP_OVERDUE, data={"step": {"id": 1}}, key="1:2026-03-01")
        webhooks.emit_event(event=WebhookEvent.STEP_OVERDUE, data={"step": {"id": 1}}, key="1:2026-03-01")
    assert len(receiver.requests) == 1 and WebhookDelivery.objects.count() == 1
    assert tasks.send_webhook_delivery.call_local(WebhookDelivery.objects.get().pk) == "nothing"


def test_a_failing_webhook_is_retried_then_reported_failed_and_can_be_sent_again(
    personas, receiver, django_capture_on_commit_callbacks
):
    receiver.fail = True
    _webhook(personas, receiver, [WebhookEvent.REQUEST_CREATED])
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit_event(event=WebhookEvent.REQUEST_CREATED, data={"request": {"id": 3}})
        for wait in delivery.BACKOFF:
            clock.shift(wait)
            delivery.deliver_due()
        row = WebhookDelivery.objects.get()
        assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.FAILED, 5, "HTTP 500")
        receiver.fail = False
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.webhook_delivery_retry(actor=personas.admin, delivery=row)
        row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and len(receiver.requests) == 6


def test_deal_won_and_stage_change_reach_webhooks(personas, receiver, django_capture_on_commit_callbacks):
    from presales.deals.services import opportunity_change_stage
    from presales.playbook.models import Stage
    from tests.factories import pass_go_no_go

    _webhook(personas, receiver, [WebhookEvent.DEAL_STAGE_CHANGED])
    deal = personas.deal
    pass_go_no_go(deal)  # the stage gate lets a deal past stage 2 only after a "go"
    deal.refresh_from_db()
    target = Stage.objects.filter(is_after_sale=False).exclude(pk=deal.stage_id).order_by("number").last()
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_change_stage(
            actor=personas.owner, opportunity=deal, stage=target, expected_version=None, reason="moved for the test"
        )
    (received,) = receiver.requests
    data = received.json["data"]
    assert data["deal"]["id"] == deal.pk and data["deal"]["stage"]["id"] == target.pk
    assert data["deal"]["url"] == f"https://presales.example.com/deals/{deal.pk}/"


def test_only_administrators_manage_webhooks(personas, receiver):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        webhooks.webhook_create(actor=personas.manager, name="x", url=receiver.url("/x"), events=["deal.won"])


# --- signatures, checked against the documentation's own recipe -------------------------------------------------------


def test_signatures_follow_the_platforms_recipes():
    # DingTalk: HMAC key is the secret, message "timestamp\nsecret", base64 then URL-encoded.
    digest = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    assert channels.dingtalk_sign("SECabc", 1700000000000) == urllib.parse.quote_plus(base64.b64encode(digest))
    # Feishu: HMAC key is "timestamp\nsecret", message empty, base64.
    digest = hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()
    assert channels.feishu_sign("abc", 1700000000) == base64.b64encode(digest).decode()


# --- the reader's language ------------------------------------------------------------------------------------------


def test_a_chinese_reader_gets_chat_and_email_in_chinese(personas, receiver, django_capture_on_commit_callbacks):
    reader = personas.owner
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])
    _robot(reader, receiver, "feishu", "/feishu/hook", FEISHU_SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=reader,
            kind=kinds.STEP_OVERDUE,
            params={"date": kinds.date(datetime.date(2026, 3, 1)), "step": "3. 需求调研", "deal": "数据中心升级"},
        )
    post = receiver.requests[0].json["content"]["post"]["zh_cn"]
    assert post["title"] == "步骤已逾期"  # the kind's name, in Chinese
    assert post["content"][0][1]["text"] == "打开"
    assert post["content"][0][0]["text"].startswith("自 2026年3月1日 起逾期")
    assert mail.outbox[0].subject.startswith("自 2026年3月1日 起逾期")


def test_stored_secrets_survive_a_key_rotation_with_the_old_key_as_fallback():
    from presales.core.secrets import UnreadableSecretError, encrypt_secret

    old_key, new_key = "o" * 50, "n" * 50
    with override_settings(SECRET_KEY=old_key):
        token = encrypt_secret("SECabc")
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        assert decrypt_secret(token) == "SECabc"
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]), pytest.raises(UnreadableSecretError):
        decrypt_secret(token)


def test_withheld_deliveries_are_not_sent(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = _tell(personas.owner)
        assert services.deliveries_withhold_pending(reason="demo data: not sent") >= 1
    for callback in callbacks:
        callback()
    email = Delivery.objects.get(notification=note)
    assert (email.status, email.last_error) == (DeliveryStatus.FAILED, "demo data: not sent") and mail.outbox == []


def test_an_overdue_step_reminder_reaches_webhooks_once(personas, receiver, django_capture_on_commit_callbacks):
    from presales.deals.models import DealStep
    from presales.deals.services.reminders import send_step_reminders

    _webhook(personas, receiver, [WebhookEvent.STEP_OVERDUE])
    step = DealStep.objects.open().filter(opportunity=personas.deal).order_by("pk").first()
    DealStep.objects.filter(pk=step.pk).update(due_date=datetime.date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        send_step_reminders(today=datetime.date(2026, 3, 5))
    with django_capture_on_commit_callbacks(execute=True):
        send_step_reminders(today=datetime.date(2026, 3, 5))
    events = [r.json for r in receiver.requests if r.json["data"].get("step", {}).get("id") == step.pk]
    assert len(events) == 1 and events[0]["event"] == "step.overdue"
    assert events[0]["data"]["step"]["due_date"] == "2026-03-01"
