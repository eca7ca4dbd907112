from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from presales.people.sso.wecom.views import WeComOAuth2Adapter


class WeComAccount(ProviderAccount):
    def get_avatar_url(self) -> str | None:
        return self.account.extra_data.get("avatar") or None

    def to_str(self) -> str:
        return self.account.extra_data.get("name") or self.account.extra_data.get("userid") or super().to_str()


class WeComProvider(OAuth2Provider):
    id = "wecom"
    name = "企业微信 WeCom"
    account_class = WeComAccount
    oauth2_adapter_class = WeComOAuth2Adapter

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data["userid"])

    def get_default_scope(self) -> list[str]:
        return []

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"name": data.get("name", ""), "email": data.get("biz_mail") or data.get("email") or ""}

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        # The company directory's addresses; trusted for linking only with the app's "verified_email" setting.
        found = [address for address in (data.get("biz_mail"), data.get("email")) if address]
        return [
            EmailAddress(email=address, verified=get_adapter().is_email_verified(self, address), primary=index == 0)
            for index, address in enumerate(dict.fromkeys(found))
        ]


provider_classes = [WeComProvider]
