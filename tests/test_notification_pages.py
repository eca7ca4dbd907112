"""The channel settings pages (a person's, a team's) and the administrators' webhooks and delivery log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from presales.core.secrets import decrypt_secret
from presales.notifications import webhooks
from presales.notifications.models import ChatRobot, Webhook, WebhookDelivery, WebhookEvent


@pytest.fixture(autouse=True)
def _language_reset():
    """A request of a Chinese reader activates Chinese in this thread: give the next test the default back."""
    yield
    translation.activate("en")


def test_a_person_turns_email_off_and_adds_a_robot(personas, login):
    client = login(personas.owner)
    assert client.get(reverse("notifications:channels")).status_code == 200
    response = client.post(reverse("notifications:channels"), {"email": "1"})  # the box unticked
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.email_notifications is False
    response = client.post(
        reverse("notifications:channels"),
        {
            "platform": "dingtalk",
            "name": "华东销售群",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t0k",
            "secret": "SECabc",
            "kinds_chosen": ["step_overdue", "request_escalated"],
        },
    )
    assert response.status_code == 302
    robot = ChatRobot.objects.get(user=personas.owner)
    assert robot.kinds == ["step_overdue", "request_escalated"] and decrypt_secret(robot.secret_encrypted) == "SECabc"
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "华东销售群" in page and "t0k" not in page  # the address is never shown again


def test_a_robot_address_of_another_host_is_refused_in_the_readers_language(personas, login):
    personas.owner.language = "zh-hans"
    personas.owner.save(update_fields=["language"])
    response = login(personas.owner).post(
        reverse("notifications:channels"),
        {"platform": "wecom", "name": "x", "webhook_url": "http://169.254.169.254/latest"},
    )
    assert response.status_code == 200
    assert "这不是企业微信群机器人的地址。" in response.content.decode()
    assert not ChatRobot.objects.exists()


def test_robots_are_paused_and_removed_only_by_their_owner(personas, login):
    client = login(personas.owner)
    client.post(
        reverse("notifications:channels"),
        {"platform": "wecom", "name": "mine", "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
    )
    robot = ChatRobot.objects.get()
    assert login(personas.teammate).post(reverse("notifications:robot_delete", args=[robot.pk])).status_code == 404
    client.post(reverse("notifications:robot_toggle", args=[robot.pk]))
    robot.refresh_from_db()
    assert robot.enabled is False
    client.post(reverse("notifications:robot_delete", args=[robot.pk]))
    assert not ChatRobot.objects.exists()


def test_team_channels_are_for_the_team_manager(personas, login):
    team = personas.owner.team
    url = reverse("notifications:team_channels", args=[team.pk])
    assert login(personas.owner).get(url).status_code == 404
    assert login(personas.outsider).get(url).status_code == 404
    client = login(team.manager)
    assert client.get(url).status_code == 200
    client.post(
        url, {"platform": "feishu", "name": "East", "webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/x"}
    )
    assert ChatRobot.objects.get().team == team


def test_webhooks_page_shows_the_secret_once_and_is_for_administrators(personas, login):
    assert login(personas.manager).get(reverse("notifications:webhooks")).status_code == 403
    assert login(personas.outsider).get(reverse("notifications:webhook_deliveries")).status_code == 403
    client = login(personas.admin)
    response = client.post(
        reverse("notifications:webhooks"),
        {"name": "CRM", "url": "https://crm.example.com/hooks", "events": ["deal.won", "deal.lost"]},
    )
    hook = Webhook.objects.get()
    secret = decrypt_secret(hook.secret_encrypted)
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("notifications:webhooks")).content.decode()
    assert hook.history.get().history_user == personas.admin


@pytest.mark.parametrize("rows", [2, 12])
def test_delivery_log_lists_and_filters_with_bounded_queries(personas, login, django_assert_max_num_queries, rows):
    hook, _secret = webhooks.webhook_create(
        actor=personas.admin, name="CRM", url="http://127.0.0.1:9/none", events=[WebhookEvent.DEAL_WON]
    )
    for number in range(rows):
        WebhookDelivery.objects.create(
            webhook=hook, event=WebhookEvent.DEAL_WON, payload={"n": number}, status="failed", attempts=5
        )
    client = login(personas.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:webhook_deliveries"), {"status": "failed"})
    assert response.status_code == 200 and len(response.context["table"].rows) == min(rows, 25)
    assert "Send again" in response.content.decode()
    assert client.get(reverse("notifications:webhook_deliveries"), {"status": "sent"}).context["table"].rows == []
