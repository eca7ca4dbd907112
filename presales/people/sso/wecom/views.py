from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from django.http import HttpRequest

from presales.people.sso.wecom.client import WeComOAuth2Client, wecom_get

DEFAULT_AUTHORIZE_URL = "https://login.work.weixin.qq.com/wwlogin/sso/login"
DEFAULT_API_URL = "https://qyapi.weixin.qq.com"


class WeComOAuth2Adapter(OAuth2Adapter):
    provider_id = "wecom"
    client_class = WeComOAuth2Client
    access_token_method = "GET"  # noqa: S105  (an HTTP method, not a secret)
    access_token_url = ""  # not used: the client calls gettoken and getuserinfo itself

    @property
    def authorize_url(self) -> str:
        return self.get_provider().get_settings().get("AUTHORIZE_URL", DEFAULT_AUTHORIZE_URL)

    @property
    def api_url(self) -> str:
        # A private WeCom deployment (企业微信私有化) has its own address.
        return str(self.get_provider().get_settings().get("API_URL", DEFAULT_API_URL)).rstrip("/")

    def get_client(self, request: HttpRequest, app: Any) -> WeComOAuth2Client:
        client = super().get_client(request, app)
        assert isinstance(client, WeComOAuth2Client)  # noqa: S101  (client_class above)
        client.agent_id = app.key or app.settings.get("agent_id", "")
        client.api_url = self.api_url
        return client

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        response = kwargs.get("response") or {}
        member = wecom_get(
            f"{self.api_url}/cgi-bin/user/get", {"access_token": token.token, "userid": response["userid"]}
        )
        member["userid"] = response["userid"]
        return self.get_provider().sociallogin_from_response(request, member)


oauth2_login = OAuth2LoginView.adapter_view(WeComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WeComOAuth2Adapter)
