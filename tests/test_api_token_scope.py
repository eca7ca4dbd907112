"""API tokens with an expiry date and a scope, and strict JSON types in API input (issue 16, item 7)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from presales.deals.models import Opportunity
from presales.people.tokens import ApiToken, TokenScope, api_token_create
from presales.work.models import Activity
from tests.test_api_support import TokenClient, error_code

pytestmark = pytest.mark.django_db


def test_a_new_token_is_read_only_and_expires_in_90_days_by_default(personas):
    token, _secret = api_token_create(user=personas.owner, name="CRM sync")
    assert token.scope == TokenScope.READ and not token.can_write
    assert token.expires_at - token.created_at == pytest.approx(datetime.timedelta(days=90), abs=datetime.timedelta(1))
    assert token.history.filter(history_type="+", history_user=personas.owner).exists()


def test_token_lifetime_and_scope_are_checked(personas):
    for days in (0, 366, True):
        with pytest.raises(ValidationError):
            api_token_create(user=personas.owner, name="x", days=days)
    with pytest.raises(ValidationError):
        api_token_create(user=personas.owner, name="x", scope="admin")
    with pytest.raises(PermissionDenied):
        api_token_create(user=personas.owner, name="x", actor=personas.outsider)
    token, _secret = api_token_create(user=personas.owner, name="x", actor=personas.admin, days=365)
    assert token.history.get().history_user == personas.admin


def test_read_only_token_reads_but_every_write_is_refused_in_the_error_shape(personas):
    api = TokenClient(personas.owner, scope=TokenScope.READ)
    assert api.get(f"/opportunities/{personas.deal.pk}").status_code == 200
    deal = personas.deal
    for response in (
        api.post("/accounts/", {"name": "New Co", "industry": "finance", "region": "east"}),
        api.patch(f"/opportunities/{deal.pk}", {"version": deal.version, "name": "Renamed"}),
        api.delete(f"/contacts/{999}"),
    ):
        assert response.status_code == 403
        assert error_code(response) == "permission_denied"
        assert "read-only" in response.json()["error"]["message"]
    deal.refresh_from_db()
    assert deal.name == "数据中心升级"


def test_read_write_token_writes(personas):
    api = TokenClient(personas.owner, scope=TokenScope.WRITE)
    deal = personas.deal
    response = api.patch(f"/opportunities/{deal.pk}", {"version": deal.version, "name": "Renamed"})
    assert response.status_code == 200, response.content
    assert Opportunity.objects.get(pk=deal.pk).name == "Renamed"


def test_an_expired_token_is_refused(personas):
    api = TokenClient(personas.owner, scope=TokenScope.WRITE)
    assert api.get("/users/me").status_code == 200
    with time_machine.travel(api.token.expires_at + datetime.timedelta(seconds=1)):
        response = api.get("/users/me")
        assert response.status_code == 401
        assert error_code(response) == "not_authenticated"
        assert api.post("/accounts/", {"name": "x"}).status_code == 401
        assert not ApiToken.objects.active().exists()


def test_profile_creates_a_scoped_expiring_token_and_lists_both(personas, login):
    client = login(personas.owner)
    page = client.get("/me/").content.decode()
    assert 'name="scope"' in page and 'name="days"' in page
    response = client.post("/me/tokens/", {"name": "Nightly export", "scope": "write", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=personas.owner)
    assert token.scope == TokenScope.WRITE
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    page = client.get("/me/").content.decode()
    assert "Read and write" in page and "Nightly export" in page
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert ">expired<" in client.get("/me/").content.decode()


def test_profile_refuses_a_lifetime_not_offered(personas, login):
    response = login(personas.owner).post("/me/tokens/", {"name": "x", "scope": "read", "days": "9999"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_issue_api_token_command_takes_scope_and_days(personas):
    call_command("issue_api_token", "engineer", "--name", "sync", "--scope", "write", "--days", "7", stdout=StringIO())
    token = ApiToken.objects.get(user=personas.engineer)
    assert token.scope == TokenScope.WRITE and token.expires_at < timezone.now() + datetime.timedelta(days=8)


# --- Strict JSON types ---------------------------------------------------------------------------


@pytest.mark.parametrize("date", [0, 20300101, 1.5, True])
def test_a_number_or_boolean_is_not_a_date(personas, date):
    api = TokenClient(personas.engineer)
    response = api.post("/activities/", {"kind": "demo", "date": date, "opportunity_id": personas.deal.pk})
    assert response.status_code == 422
    assert error_code(response) == "invalid"
    assert response.json()["error"]["fields"]["date"] == ["Write the date as text, e.g. 2026-05-01."]
    assert not Activity.objects.exists()


def test_a_date_written_as_text_is_accepted(personas):
    api = TokenClient(personas.engineer)
    response = api.post("/activities/", {"kind": "demo", "date": "2030-01-01", "opportunity_id": personas.deal.pk})
    assert response.status_code in (200, 201), response.content
    assert Activity.objects.get().date == datetime.date(2030, 1, 1)


@pytest.mark.parametrize("probability", [False, True])
def test_a_boolean_is_not_a_number(personas, probability):
    deal = personas.deal
    response = TokenClient(personas.owner).patch(
        f"/opportunities/{deal.pk}", {"version": deal.version, "probability": probability}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["probability"] == ["Enter a number, not true or false."]
    deal.refresh_from_db()
    assert deal.version == personas.deal.version


def test_a_boolean_field_takes_only_true_or_false(personas):
    account = personas.account
    api = TokenClient(personas.owner)
    response = api.patch(f"/accounts/{account.pk}", {"version": account.version, "is_key_account": 1})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["is_key_account"] == ["Enter true or false."]
    response = api.patch(f"/accounts/{account.pk}", {"version": account.version, "is_key_account": True})
    assert response.status_code == 200, response.content


def test_strict_messages_follow_the_reader_language(personas):
    api = TokenClient(personas.engineer, language="zh-hans")
    response = api.post("/activities/", {"kind": "demo", "date": 0, "opportunity_id": personas.deal.pk})
    assert response.status_code == 422
    message = response.json()["error"]["fields"]["date"][0]
    assert message != "Write the date as text, e.g. 2026-05-01." and "2026-05-01" in message
