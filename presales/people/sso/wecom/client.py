"""The server-side half of the WeCom sign-in: company access token, then who the code belongs to."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from django.utils.http import urlencode


def wecom_get(path_url: str, params: dict[str, str]) -> dict[str, Any]:
    """One call to the WeCom server API; a non-zero errcode is an error."""
    with get_adapter().get_requests_session() as session:
        response = session.get(path_url, params=params)
        response.raise_for_status()
        data = response.json()
    if not isinstance(data, dict) or data.get("errcode", 0) != 0:
        raise OAuth2Error(f"WeCom answered an error: {data!r}")
    return data


class WeComOAuth2Client(OAuth2Client):
    """WeCom has no per-person access token: the company's token plus the one-time code name the member."""

    agent_id = ""
    api_url = ""

    def get_redirect_url(self, authorization_url: str, scope: Any, extra_params: dict[str, str]) -> str:
        params = {
            "login_type": "CorpApp",
            "appid": self.consumer_key,
            "agentid": self.agent_id,
            "redirect_uri": self.callback_url,
        }
        if self.state:
            params["state"] = self.state
        params.update(extra_params)
        return f"{authorization_url}?{urlencode(params)}"

    def get_access_token(self, code: str, pkce_code_verifier: str | None = None, extra_data: Any = None) -> dict:
        if not code:
            raise OAuth2Error("WeCom sent no code.")
        corp = wecom_get(
            f"{self.api_url}/cgi-bin/gettoken", {"corpid": self.consumer_key, "corpsecret": self.consumer_secret}
        )
        token = corp.get("access_token")
        if not token:
            raise OAuth2Error("WeCom gave no access token.")
        identity = wecom_get(f"{self.api_url}/cgi-bin/auth/getuserinfo", {"access_token": token, "code": code})
        userid = identity.get("userid") or identity.get("UserId")
        if not userid:
            # A WeChat user outside the company (openid / external_userid): not one of ours.
            raise OAuth2Error("The WeCom account is not a member of the company.")
        return {"access_token": token, "expires_in": corp.get("expires_in"), "userid": userid}
