"""Signing in: lockouts (account, address, API tokens) with a growing delay, unlocking, MFA, password reset by e-mail."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from presales.people.models import MfaRequirement, Role
from presales.people.services import mfa_requirement_set, user_signin_unlock
from presales.people.tokens import api_token_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Allauth's throttles and used TOTP codes live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


LOGIN = "/login/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def sign_in(client: Client, login: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(times: int, login: str = "owner", address: str | None = None) -> None:
    """`times` wrong passwords for `login`, each from its own address unless `address` is given."""
    for attempt in range(times):
        sign_in(Client(), login, "wrong-password", address or f"10.1.{attempt // 250}.{attempt % 250 + 1}")


# --- Lockout ----------------------------------------------------------------------------------------------------------


def test_ten_wrong_passwords_lock_the_account_and_the_right_password_is_refused(personas):
    with time_machine.travel(START, tick=False):
        for attempt in range(9):
            response = sign_in(Client(), "owner", "wrong", f"10.2.0.{attempt + 1}")
            assert response.status_code == 200, attempt  # the form again, with the error
        response = sign_in(Client(), "owner", "wrong", "10.2.0.10")
        assert response.status_code == 429
        # From a fresh address, with the right password, typed as the e-mail in capitals: still the same account.
        client = Client()
        refused = sign_in(client, "OWNER@EXAMPLE.COM", PASSWORD, "10.2.0.99")
        assert refused.status_code == 429
        assert not is_signed_in(client)
        assert "Try again after" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        # Other people are not affected.
        other = Client()
        assert sign_in(other, "teammate", PASSWORD, "10.2.0.98").status_code == 302
        assert is_signed_in(other)


def test_the_lockout_page_says_when_to_try_again_in_both_languages(personas):
    with time_machine.travel(START, tick=False):
        fail(10)
        response = Client().post(
            LOGIN, {"login": "owner", "password": PASSWORD}, REMOTE_ADDR="10.3.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert response.status_code == 429
        page = response.content.decode()
        assert "登录已暂停" in page
        # Trying during the lockout doubled it: 30 minutes from that try, in Shanghai time (09:00 UTC is 17:00 there).
        assert "17:30" in page
        english = Client().post(LOGIN, {"login": "owner", "password": PASSWORD}, REMOTE_ADDR="10.3.0.2")
        assert "Try again after" in english.content.decode()


def test_the_lockout_ends_and_each_new_lockout_lasts_twice_as_long(personas):
    with time_machine.travel(START, tick=False) as clock:
        fail(9)
        first = sign_in(Client(), "owner", "wrong", "10.4.0.1")
        assert first.status_code == 429 and int(first["Retry-After"]) == 15 * 60
        clock.shift(datetime.timedelta(minutes=16))
        assert sign_in(Client(), "owner", PASSWORD, "10.4.0.2").status_code == 302
        fail(9)
        second = sign_in(Client(), "owner", "wrong", "10.4.0.3")
        assert second.status_code == 429 and int(second["Retry-After"]) == 30 * 60
        # Trying while locked out makes it longer again (60 minutes from this try).
        clock.shift(datetime.timedelta(minutes=20))
        third = sign_in(Client(), "owner", PASSWORD, "10.4.0.4")
        assert third.status_code == 429 and int(third["Retry-After"]) == 60 * 60
        clock.shift(datetime.timedelta(minutes=59))
        assert sign_in(Client(), "owner", PASSWORD, "10.4.0.5").status_code == 429
        clock.shift(datetime.timedelta(minutes=130))  # waiting it out, without trying
        client = Client()
        assert sign_in(client, "owner", PASSWORD, "10.4.0.6").status_code == 302
        assert is_signed_in(client)


def test_ten_failures_from_one_address_lock_the_address_for_every_account(personas):
    with time_machine.travel(START, tick=False):
        for attempt in range(10):
            sign_in(Client(), f"guess{attempt}", "wrong", "10.5.0.1")
        assert sign_in(Client(), "teammate", PASSWORD, "10.5.0.1").status_code == 429
        assert sign_in(Client(), "teammate", PASSWORD, "10.5.0.2").status_code == 302


def test_an_administrator_unlocks_an_account_and_it_is_recorded(personas):
    with time_machine.travel(START, tick=False):
        fail(10)
        assert sign_in(Client(), "owner", PASSWORD, "10.6.0.1").status_code == 429
        with pytest.raises(PermissionDenied):
            user_signin_unlock(actor=personas.teammate, user=personas.owner)
        assert user_signin_unlock(actor=personas.admin, user=personas.owner) > 0
        assert not AccessAttempt.objects.filter(username="owner").exists()
        assert sign_in(Client(), "owner", PASSWORD, "10.6.0.2").status_code == 302
    record = personas.owner.history.get(history_change_reason="sign-in unlocked")
    assert (record.history_user, record.history_change_reason) == (personas.admin, "sign-in unlocked")


def test_the_admin_action_unlocks_the_selected_accounts(personas, login):
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    with time_machine.travel(START, tick=False):
        fail(10)
        response = login(personas.admin).post(
            reverse("admin:people_user_changelist"),
            {"action": "unlock_signin", "_selected_action": [personas.owner.pk]},
        )
        assert response.status_code == 302
        assert sign_in(Client(), "owner", PASSWORD, "10.7.0.1").status_code == 302


def test_wrong_api_tokens_lock_the_address_out_of_the_api(personas):
    _token, secret = api_token_create(user=personas.owner, name="CRM sync")
    with time_machine.travel(START, tick=False):
        for attempt in range(10):
            response = Client(HTTP_AUTHORIZATION=f"Bearer psh_guess{attempt}", REMOTE_ADDR="10.8.0.1").get(
                "/api/v1/accounts/"
            )
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "locked_out"
        assert int(response["Retry-After"]) > 0
        # The right token from that address waits too; from elsewhere it works.
        assert (
            Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="10.8.0.1").get("/api/v1/accounts/").status_code
            == 429
        )
        assert (
            Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="10.8.0.2").get("/api/v1/accounts/").status_code
            == 200
        )


def test_allauth_pages_that_duplicate_the_profile_lead_to_it(personas, login):
    client = login(personas.owner)
    assert client.get("/auth/email/")["Location"] == reverse("people:profile")
    assert client.get("/auth/password/change/")["Location"] == reverse("people:password_change")
    assert Client().get("/auth/signup/").status_code == 200  # "does not create accounts by itself"
    assert "does not create accounts" in Client().get("/auth/signup/").content.decode()


def test_the_admin_signs_in_through_the_app_sign_in_page(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Two-factor sign-in -----------------------------------------------------------------------------------------------


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def reauthenticate(client: Client) -> None:
    """Allauth asks for the password again before two-factor settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302, response.content.decode()


def test_a_person_with_mfa_cannot_sign_in_with_the_password_alone(personas):
    secret = activate_totp(personas.owner)
    client = Client()
    response = sign_in(client, "owner", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get(reverse("web:home")).status_code == 302  # still sent to sign in
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    assert client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code == 200
    assert not is_signed_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert is_signed_in(client)
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_second_factor_codes_lock_the_account_like_wrong_passwords(personas):
    secret = activate_totp(personas.owner)
    client = Client()
    sign_in(client, "owner", PASSWORD)
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    with time_machine.travel(timezone.now(), tick=False):
        answers = [client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code for _ in range(10)]
        assert answers[:9] == [200] * 9 and answers[9] == 429
        assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 429
        assert not is_signed_in(client)
        assert sign_in(Client(), "owner", PASSWORD, "10.0.0.9").status_code == 429


def test_a_recovery_code_replaces_the_authenticator_app_once(personas):
    activate_totp(personas.owner)
    codes = RecoveryCodes(Authenticator.objects.get(user=personas.owner, type=Authenticator.Type.RECOVERY_CODES))
    code = codes.get_unused_codes()[0]
    client = Client()
    sign_in(client, "owner", PASSWORD)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert is_signed_in(client)
    again = Client()
    sign_in(again, "owner", PASSWORD, "10.0.0.2")
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not is_signed_in(again)


def test_mfa_is_set_up_from_the_profile_page(personas):
    client = Client()
    sign_in(client, "owner", PASSWORD)
    reauthenticate(client)
    profile = client.get(reverse("people:profile")).content.decode()
    assert reverse("mfa_index") in profile
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=personas.owner, type=Authenticator.Type.TOTP).exists()
    added = Authenticator.history.get(type=Authenticator.Type.TOTP)  # type: ignore[attr-defined]
    assert (added.history_type, added.history_user) == ("+", personas.owner)
    assert not hasattr(added, "data")  # the secret stays out of the audit trail
    assert "Two-factor sign-in is on" in client.get(reverse("people:profile")).content.decode()
    # Security keys and passkeys (WebAuthn) are offered too; allauth's scripts are files, not inline code.
    webauthn = client.get(reverse("mfa_add_webauthn"))
    assert webauthn.status_code == 200
    assert "mfa/js/webauthn.js" in webauthn.content.decode()


def test_a_role_an_administrator_marks_must_set_up_mfa_before_anything_else(personas):
    with pytest.raises(PermissionDenied):
        mfa_requirement_set(actor=personas.owner, role=Role.SALES, required=True)
    mfa_requirement_set(actor=personas.admin, role=Role.SALES, required=True)
    client = Client()
    assert sign_in(client, "owner", PASSWORD).status_code == 302
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    assert client.get("/api/v1/accounts/").status_code == 403
    reauthenticate(client)  # the set-up pages stay open
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert client.get(reverse("web:home")).status_code == 200
    # Other roles are not asked.
    other = Client()
    sign_in(other, "engineer", PASSWORD)
    assert other.get(reverse("web:home")).status_code == 200
    mfa_requirement_set(actor=personas.admin, role=Role.SALES, required=False)
    assert not MfaRequirement.objects.exists()
    assert [(r.history_type, r.history_user) for r in MfaRequirement.history.order_by("history_date")] == [
        ("+", personas.admin),
        ("-", personas.admin),
    ]


def test_an_administrator_requires_mfa_for_a_role_in_the_admin(personas, login):
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    client = login(personas.admin)
    response = client.post(reverse("admin:people_mfarequirement_add"), {"role": Role.SALES_MANAGER})
    assert response.status_code == 302
    requirement = MfaRequirement.objects.get()
    assert requirement.role == Role.SALES_MANAGER
    assert requirement.history.get().history_user == personas.admin
    client.post(reverse("admin:people_mfarequirement_delete", args=[requirement.pk]), {"post": "yes"})
    assert not MfaRequirement.objects.exists()


@override_settings(PRESALES_MFA_REQUIRED_ROLES=["admin"])
def test_administrators_must_use_mfa_when_the_setting_says_so(personas):
    client = Client()
    sign_in(client, "admin", PASSWORD)
    assert client.get(reverse("web:home"))["Location"] == reverse("mfa_index")


# --- Password reset by e-mail -----------------------------------------------------------------------------------------

RESET = reverse("account_reset_password")


def reset_link() -> str:
    match = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def set_new_password(client: Client, link: str, password: str):
    response = client.get(link)
    if response.status_code == 302:  # allauth moves the key into the session first
        link = response["Location"]
        response = client.get(link)
    return response, client.post(link, {"password1": password, "password2": password})


def strip_csrf(page: str) -> str:
    return re.sub(r"(csrfmiddlewaretoken\" value=\"|\"X-CSRFToken\": \")\w+", "", page)


def test_password_reset_does_not_tell_whether_an_address_has_an_account(personas):
    known = Client().post(RESET, {"email": "owner@example.com"})
    unknown = Client().post(RESET, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done_known = Client().get(known["Location"]).content.decode()
    done_unknown = Client().get(unknown["Location"]).content.decode()
    assert strip_csrf(done_known) == strip_csrf(done_unknown)
    # The owner gets a link; the unknown address gets no link (a note that there is no account).
    assert [m.to for m in mail.outbox] == [["owner@example.com"], ["nobody@example.com"]]
    assert "/auth/password/reset/key/" in mail.outbox[0].body
    assert "/auth/password/reset/key/" not in mail.outbox[1].body


def test_a_reset_link_works_once(personas):
    Client().post(RESET, {"email": "owner@example.com"})
    link = reset_link()
    client = Client()
    form, done = set_new_password(client, link, "a-new-long-password-42")
    assert form.status_code == 200 and done.status_code == 302
    assert sign_in(Client(), "owner", "a-new-long-password-42").status_code == 302
    again, _ = set_new_password(Client(), link, "another-password-43")
    assert "token_fail" in again.context or "invalid" in again.content.decode().lower()
    assert sign_in(Client(), "owner", "another-password-43", "10.0.0.5").status_code == 200


def test_a_reset_link_expires(personas):
    with time_machine.travel(START, tick=False) as clock:
        Client().post(RESET, {"email": "owner@example.com"})
        link = reset_link()
        clock.shift(datetime.timedelta(hours=2, minutes=1))
        page, refused = set_new_password(Client(), link, "a-new-long-password-42")
        assert page.context["token_fail"]
    personas.owner.refresh_from_db()
    assert personas.owner.check_password(PASSWORD)


def test_the_reset_page_is_throttled(personas):
    responses = [Client().post(RESET, {"email": "owner@example.com"}, REMOTE_ADDR="10.9.0.1") for _ in range(7)]
    assert responses[-1].status_code == 429
    assert len(mail.outbox) == 5  # 5 per e-mail address in 5 minutes (settings.ACCOUNT_RATE_LIMITS)


def test_wrong_set_password_links_lock_the_address(personas):
    Client().post(RESET, {"email": "owner@example.com"})
    link = reset_link()
    with time_machine.travel(START, tick=False):
        answers = [
            Client().get(f"/auth/password/reset/key/1-guess{attempt}/", REMOTE_ADDR="10.9.0.2").status_code
            for attempt in range(10)
        ]
        assert answers[:9] == [200] * 9  # the "link is not valid" page
        assert answers[9] == 429
        assert Client().get(link, REMOTE_ADDR="10.9.0.2").status_code == 429
        assert Client().get(link, REMOTE_ADDR="10.9.0.3").status_code == 302  # on to the new-password form


def test_wrong_invitation_links_lock_the_address(personas):
    with time_machine.travel(START, tick=False):
        answers = [
            Client().get(f"/welcome/MQ/guess-{attempt}/", REMOTE_ADDR="10.9.0.4").status_code for attempt in range(10)
        ]
        assert answers[:9] == [200] * 9  # "this link does not work"
        assert answers[9] == 429
        assert Client().get("/welcome/MQ/guess-x/", REMOTE_ADDR="10.9.0.5").status_code == 200
