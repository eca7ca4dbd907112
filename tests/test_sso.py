"""Single sign-on against local fake providers (tests/sso_fakes.py): OpenID Connect, DingTalk, Feishu and WeCom.

A known person links by a verified e-mail address or by an administrator's link; an unknown one gets nothing.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlparse

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.feishu.client import FeishuOAuth2Client
from allauth.socialaccount.providers.feishu.views import FeishuOAuth2Adapter
from django.test import Client, override_settings
from django.urls import reverse

from presales.people.models import User
from tests.conftest import PASSWORD
from tests.sso_fakes import AGENT_ID, CLIENT_ID, CLIENT_SECRET, FakeIdentityServer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def idp():
    with FakeIdentityServer() as server:
        yield server


@pytest.fixture
def sso(idp, monkeypatch):
    """The four providers configured as from the environment, pointing at the fake server."""
    idp.person = {}
    idp.audience_override = None
    app = {"client_id": CLIENT_ID, "secret": CLIENT_SECRET}
    providers = {
        "openid_connect": {
            "APPS": [
                {
                    **app,
                    "provider_id": "corp",
                    "name": "Corp SSO",
                    "settings": {"server_url": f"{idp.url}/oidc", "oauth_pkce_enabled": True},
                }
            ]
        },
        "dingtalk": {"APPS": [{**app, "settings": {"verified_email": True}}]},
        "feishu": {
            "AUTHORIZE_URL": f"{idp.url}/feishu/open-apis/authen/v1/index",
            "APPS": [{**app, "settings": {"verified_email": True}}],
        },
        "wecom": {
            "AUTHORIZE_URL": f"{idp.url}/wecom/sso/login",
            "API_URL": f"{idp.url}/wecom",
            "APPS": [{**app, "key": AGENT_ID, "settings": {"verified_email": True}}],
        },
    }
    # DingTalk's and Feishu's addresses are fixed in allauth's adapters: point them at the fake server.
    monkeypatch.setattr(DingTalkOAuth2Adapter, "authorize_url", f"{idp.url}/dingtalk/oauth2/auth")
    monkeypatch.setattr(DingTalkOAuth2Adapter, "access_token_url", f"{idp.url}/dingtalk/v1.0/oauth2/userAccessToken")
    monkeypatch.setattr(DingTalkOAuth2Adapter, "profile_url", f"{idp.url}/dingtalk/v1.0/contact/users/me")
    feishu = f"{idp.url}/feishu/open-apis"
    monkeypatch.setattr(FeishuOAuth2Adapter, "access_token_url", f"{feishu}/authen/v1/access_token")
    monkeypatch.setattr(FeishuOAuth2Adapter, "user_info_url", f"{feishu}/authen/v1/user_info")
    monkeypatch.setattr(FeishuOAuth2Client, "app_access_token_url", f"{feishu}/auth/v3/app_access_token/internal/")
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        yield idp


START = {
    "oidc": "/auth/oidc/corp/login/",
    "dingtalk": "/auth/dingtalk/login/",
    "feishu": "/auth/feishu/login/",
    "wecom": "/auth/wecom/login/",
}


def sso_sign_in(client: Client, idp: FakeIdentityServer, provider: str):
    """Press the provider's button, let the (fake) provider answer, come back to the app with its code."""
    response = client.post(START[provider], {"process": "login"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(idp.url)
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    callback = urlparse(back.headers["Location"])
    assert callback.netloc == "testserver"
    return client.get(callback.path, dict(parse_qsl(callback.query)))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_sign_in_page_offers_the_configured_providers(sso):
    page = Client().get(reverse("people:login")).content.decode()
    for name in ("Corp SSO", "DingTalk", "feishu", "WeCom"):
        assert name in page


def test_oidc_sign_in_links_a_known_person_by_a_verified_email(sso, personas):
    sso.person = {"sub": "kc-0001", "email": "owner@example.com", "email_verified": True, "name": "Owner Wang"}
    client = Client()
    response = sso_sign_in(client, sso, "oidc")
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert signed_in_user(client) == personas.owner
    assert SocialAccount.objects.get(provider="corp", uid="kc-0001").user == personas.owner
    # The whole protocol ran: discovery, authorize, token, userinfo.
    assert {"GET /oidc/.well-known/openid-configuration", "GET /oidc/authorize", "POST /oidc/token"} <= set(
        sso.requests
    )
    # Next time the link is used, whatever the e-mail says now.
    sso.person = {"sub": "kc-0001", "email": "changed@example.com", "email_verified": True}
    again = Client()
    sso_sign_in(again, sso, "oidc")
    assert signed_in_user(again) == personas.owner


def test_oidc_sign_in_of_an_unknown_email_creates_nobody(sso, personas):
    people = User.objects.count()
    sso.person = {"sub": "kc-9999", "email": "stranger@example.com", "email_verified": True, "name": "Stranger"}
    client = Client()
    response = sso_sign_in(client, sso, "oidc")
    assert response.status_code == 200
    assert "does not create accounts by itself" in response.content.decode()
    assert signed_in_user(client) is None
    assert User.objects.count() == people
    assert not SocialAccount.objects.exists()
    assert client.get(reverse("web:home")).status_code == 302


def test_oidc_unverified_email_does_not_link(sso, personas):
    sso.person = {"sub": "kc-0002", "email": "owner@example.com", "email_verified": False}
    client = Client()
    assert sso_sign_in(client, sso, "oidc").status_code == 200
    assert signed_in_user(client) is None


def test_oidc_without_an_email_verified_claim_links_only_when_trusted(sso, personas, settings):
    sso.person = {"sub": "kc-0004", "email": "owner@example.com"}  # Entra ID sends no email_verified
    client = Client()
    assert sso_sign_in(client, sso, "oidc").status_code == 200
    assert signed_in_user(client) is None
    providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
    oidc_app = providers["openid_connect"]["APPS"][0]
    providers["openid_connect"] = {"APPS": [{**oidc_app, "settings": {**oidc_app["settings"], "verified_email": True}}]}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    sso_sign_in(client, sso, "oidc")
    assert signed_in_user(client) == personas.owner


def test_an_administrator_links_a_company_account_to_a_person(sso, personas):
    link = SocialAccount(user=personas.engineer, provider="corp", uid="kc-0003")
    link._history_user = personas.admin  # as the admin page records it
    link.save()
    assert SocialAccount.history.get().history_user == personas.admin  # type: ignore[attr-defined]
    sso.person = {"sub": "kc-0003", "email": "zhao.personal@example.net", "email_verified": True}
    client = Client()
    sso_sign_in(client, sso, "oidc")
    assert signed_in_user(client) == personas.engineer


def test_oidc_id_token_for_another_client_is_refused(sso, personas):
    sso.person = {"sub": "kc-0001", "email": "owner@example.com", "email_verified": True}
    sso.audience_override = "some-other-app"
    client = Client()
    response = sso_sign_in(client, sso, "oidc")
    assert signed_in_user(client) is None
    assert response.status_code == 401  # allauth's sign-in error page, in the app's layout
    assert 'class="auth"' in response.content.decode()


def test_single_sign_on_still_asks_for_the_second_factor(sso, personas):
    TOTP.activate(personas.owner, generate_totp_secret())
    sso.person = {"sub": "kc-0001", "email": "owner@example.com", "email_verified": True}
    client = Client()
    response = sso_sign_in(client, sso, "oidc")
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None


def test_dingtalk_sign_in(sso, personas):
    sso.person = {"nick": "王销售", "openId": "dt-open-1", "unionId": "dt-union-1", "email": "owner@example.com"}
    client = Client()
    assert sso_sign_in(client, sso, "dingtalk").status_code == 302
    assert signed_in_user(client) == personas.owner
    assert SocialAccount.objects.get(provider="dingtalk").uid == "dt-open-1"


def test_feishu_sign_in(sso, personas):
    sso.person = {"name": "王销售", "open_id": "ou_1", "union_id": "on_1", "enterprise_email": "owner@example.com"}
    client = Client()
    assert sso_sign_in(client, sso, "feishu").status_code == 302
    assert signed_in_user(client) == personas.owner


def test_wecom_sign_in(sso, personas):
    sso.person = {"userid": "WangXiaoShou", "name": "王销售", "biz_mail": "owner@example.com"}
    client = Client()
    assert sso_sign_in(client, sso, "wecom").status_code == 302
    assert signed_in_user(client) == personas.owner
    assert SocialAccount.objects.get(provider="wecom").uid == "WangXiaoShou"
    assert {"GET /wecom/cgi-bin/gettoken", "GET /wecom/cgi-bin/auth/getuserinfo", "GET /wecom/cgi-bin/user/get"} <= set(
        sso.requests
    )


def test_wecom_member_without_an_email_needs_an_administrators_link(sso, personas):
    sso.person = {"userid": "ZhaoGong", "name": "赵工"}
    client = Client()
    assert sso_sign_in(client, sso, "wecom").status_code == 200
    assert signed_in_user(client) is None
    SocialAccount.objects.create(user=personas.engineer, provider="wecom", uid="ZhaoGong")
    assert sso_sign_in(client, sso, "wecom").status_code == 302
    assert signed_in_user(client) == personas.engineer


def test_wecom_refuses_somebody_outside_the_company(sso, personas):
    sso.person = {"openid": "o-wechat-user"}
    client = Client()
    response = sso_sign_in(client, sso, "wecom")
    assert response.status_code == 401
    assert signed_in_user(client) is None


def test_directory_emails_link_only_when_the_company_trusts_them(sso, personas, settings):
    providers = dict(settings.SOCIALACCOUNT_PROVIDERS)
    providers["dingtalk"] = {"APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET}]}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    sso.person = {"nick": "王销售", "openId": "dt-open-2", "email": "owner@example.com"}
    client = Client()
    assert sso_sign_in(client, sso, "dingtalk").status_code == 200
    assert signed_in_user(client) is None


def test_a_person_who_signed_in_by_sso_keeps_no_password_unless_the_address_was_verified(sso, personas):
    """Allauth's guard: linking by an unverified local address makes the account single-sign-on only."""
    sso.person = {"sub": "kc-0001", "email": "owner@example.com", "email_verified": True}
    sso_sign_in(Client(), sso, "oidc")
    personas.owner.refresh_from_db()
    assert not personas.owner.check_password(PASSWORD)
