"""Fake single sign-on servers on 127.0.0.1 that follow each real protocol, for the sign-in tests.

One threading HTTP server plays four identity providers, each under its own path:

- ``/oidc``: OpenID Connect (discovery, authorize with PKCE, token with the client secret, userinfo, JWKS, an RS256
  signed id_token);
- ``/dingtalk``: 钉钉 (authorize → ``authCode``, ``POST /v1.0/oauth2/userAccessToken`` with JSON, ``/v1.0/contact/users/me``
  with the ``x-acs-dingtalk-access-token`` header);
- ``/feishu``: 飞书 (app access token, then the user access token for the code, then ``/authen/v1/user_info``; every
  answer wrapped in ``{"code": 0, "data": …}``);
- ``/wecom``: 企业微信 (``gettoken`` with the corp id and secret, ``auth/getuserinfo`` for the code, ``user/get``; every
  answer carries ``errcode``).

The test sets ``server.person`` (what the provider knows of whoever signs in) before starting a sign-in. Codes are
single use, bound to the client and the redirect address; a wrong secret or PKCE verifier is refused as the real
servers do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "presales-hub"
CLIENT_SECRET = "fake-secret-0123456789"  # noqa: S105  (the fake server's own test secret)
AGENT_ID = "1000002"


class FakeIdentityServer:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-key-1"
        self.person: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.audience_override: str | None = None
        self.requests: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeIdentityServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- shared pieces ---------------------------------------------------------------------------------------------

    def issue_code(self, **binding: Any) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**binding, "person": dict(self.person)}
        return code

    def take_code(self, code: str) -> dict[str, Any] | None:
        return self.codes.pop(code, None)  # single use

    def issue_token(self, person: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = person
        return token

    def id_token(self, person: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.url}/oidc",
            "aud": self.audience_override or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **person,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    # --- the HTTP side ---------------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _redirect(self, to: str, params: dict[str, str]) -> None:
                separator = "&" if "?" in to else "?"
                self._send(302, headers={"Location": f"{to}{separator}{urlencode(params)}"})

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _form(self) -> dict[str, str]:
                return {k: v[0] for k, v in parse_qs(self._body().decode()).items()}

            def _bearer(self) -> dict[str, Any] | None:
                header = self.headers.get("Authorization", "")
                return (
                    server.tokens.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
                )

            def _dispatch(self, routes: dict[str, Any], *args: Any) -> None:
                """Record the request, then answer it with its path's handler (given `args`), or with a 404."""
                path = urlparse(self.path).path
                server.requests.append(f"{self.command} {path}")
                route = routes.get(path)
                if route is None:
                    self._send(404, {"error": "not_found"})
                else:
                    route(*args)

            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                routes = {
                    "/oidc/.well-known/openid-configuration": self.oidc_discovery,
                    "/oidc/authorize": self.oidc_authorize,
                    "/oidc/userinfo": self.oidc_userinfo,
                    "/oidc/jwks": lambda q: self._send(200, server.jwks()),
                    "/dingtalk/oauth2/auth": self.dingtalk_authorize,
                    "/dingtalk/v1.0/contact/users/me": self.dingtalk_me,
                    "/feishu/open-apis/authen/v1/index": self.feishu_authorize,
                    "/feishu/open-apis/authen/v1/user_info": self.feishu_user_info,
                    "/wecom/sso/login": self.wecom_authorize,
                    "/wecom/cgi-bin/gettoken": self.wecom_gettoken,
                    "/wecom/cgi-bin/auth/getuserinfo": self.wecom_getuserinfo,
                    "/wecom/cgi-bin/user/get": self.wecom_user_get,
                }
                self._dispatch(routes, query)

            def do_POST(self) -> None:  # noqa: N802
                routes = {
                    "/oidc/token": self.oidc_token,
                    "/dingtalk/v1.0/oauth2/userAccessToken": self.dingtalk_token,
                    "/feishu/open-apis/auth/v3/app_access_token/internal/": self.feishu_app_token,
                    "/feishu/open-apis/authen/v1/access_token": self.feishu_user_token,
                }
                self._dispatch(routes)

            # OpenID Connect ------------------------------------------------------------------------------------

            def oidc_discovery(self, query: dict[str, str]) -> None:
                base = f"{server.url}/oidc"
                self._send(
                    200,
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "userinfo_endpoint": f"{base}/userinfo",
                        "jwks_uri": f"{base}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                        "code_challenge_methods_supported": ["S256"],
                    },
                )

            def oidc_authorize(self, query: dict[str, str]) -> None:
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._send(400, {"error": "invalid_request"})
                    return
                if "openid" not in query.get("scope", "").split():
                    self._send(400, {"error": "invalid_scope"})
                    return
                code = server.issue_code(
                    redirect_uri=query["redirect_uri"],
                    challenge=query.get("code_challenge"),
                    method=query.get("code_challenge_method"),
                )
                self._redirect(query["redirect_uri"], {"code": code, "state": query.get("state", "")})

            def oidc_token(self) -> None:
                form = self._form()
                client_id, secret = form.get("client_id"), form.get("client_secret")
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                grant = server.take_code(form.get("code", ""))
                if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                    self._send(401, {"error": "invalid_client"})
                    return
                if grant is None or form.get("grant_type") != "authorization_code":
                    self._send(400, {"error": "invalid_grant"})
                    return
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    self._send(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
                    return
                if grant["challenge"]:
                    verifier = form.get("code_verifier", "")
                    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                    if grant["method"] != "S256" or digest != grant["challenge"]:
                        self._send(400, {"error": "invalid_grant", "error_description": "PKCE"})
                        return
                person = grant["person"]
                self._send(
                    200,
                    {
                        "access_token": server.issue_token(person),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": server.id_token(person),
                    },
                )

            def oidc_userinfo(self, query: dict[str, str]) -> None:
                person = self._bearer()
                if person is None:
                    self._send(401, {"error": "invalid_token"})
                else:
                    self._send(200, person)

            # DingTalk ------------------------------------------------------------------------------------------

            def dingtalk_authorize(self, query: dict[str, str]) -> None:
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._send(400, {"code": "invalidParameter"})
                    return
                code = server.issue_code(redirect_uri=query["redirect_uri"])
                self._redirect(query["redirect_uri"], {"authCode": code, "state": query.get("state", "")})

            def dingtalk_token(self) -> None:
                data = json.loads(self._body() or b"{}")
                grant = server.take_code(data.get("code", ""))
                if (data.get("clientId"), data.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET) or grant is None:
                    self._send(400, {"code": "invalidAuthCode", "message": "bad code or client"})
                    return
                self._send(
                    200,
                    {
                        "accessToken": server.issue_token(grant["person"]),
                        "refreshToken": "r-" + secrets.token_hex(4),
                        "expireIn": 7200,
                    },
                )

            def dingtalk_me(self, query: dict[str, str]) -> None:
                person = server.tokens.get(self.headers.get("x-acs-dingtalk-access-token", ""))
                if person is None:
                    self._send(401, {"code": "InvalidAuthentication"})
                else:
                    self._send(200, person)

            # Feishu --------------------------------------------------------------------------------------------

            def feishu_authorize(self, query: dict[str, str]) -> None:
                if query.get("app_id") != CLIENT_ID:
                    self._send(400, {"code": 20001, "msg": "invalid app_id"})
                    return
                code = server.issue_code(redirect_uri=query["redirect_uri"])
                self._redirect(query["redirect_uri"], {"code": code, "state": query.get("state", "")})

            def feishu_app_token(self) -> None:
                form = self._form()
                if (form.get("app_id"), form.get("app_secret")) != (CLIENT_ID, CLIENT_SECRET):
                    self._send(200, {"code": 10014, "msg": "app secret invalid"})
                    return
                server.tokens["app-" + CLIENT_ID] = {"app": True}
                self._send(200, {"code": 0, "msg": "ok", "app_access_token": "app-" + CLIENT_ID, "expire": 7200})

            def feishu_user_token(self) -> None:
                data = json.loads(self._body() or b"{}")
                grant = server.take_code(data.get("code", ""))
                if data.get("app_access_token") != "app-" + CLIENT_ID or grant is None:
                    self._send(200, {"code": 20003, "msg": "invalid code"})
                    return
                person = grant["person"]
                self._send(
                    200,
                    {
                        "code": 0,
                        "msg": "success",
                        "data": {
                            "access_token": server.issue_token(person),
                            "token_type": "Bearer",
                            "expires_in": 6900,
                            "refresh_token": "r-" + secrets.token_hex(4),
                            "open_id": person.get("open_id"),
                        },
                    },
                )

            def feishu_user_info(self, query: dict[str, str]) -> None:
                person = self._bearer()
                if person is None:
                    self._send(200, {"code": 99991668, "msg": "invalid access token"})
                else:
                    self._send(200, {"code": 0, "msg": "success", "data": person})

            # WeCom ---------------------------------------------------------------------------------------------

            def wecom_authorize(self, query: dict[str, str]) -> None:
                if (query.get("login_type"), query.get("appid"), query.get("agentid")) != (
                    "CorpApp",
                    CLIENT_ID,
                    AGENT_ID,
                ):
                    self._send(400, {"errcode": 40013, "errmsg": "invalid corpid or agentid"})
                    return
                code = server.issue_code(redirect_uri=query["redirect_uri"])
                self._redirect(
                    query["redirect_uri"], {"code": code, "state": query.get("state", ""), "appid": CLIENT_ID}
                )

            def wecom_gettoken(self, query: dict[str, str]) -> None:
                if (query.get("corpid"), query.get("corpsecret")) != (CLIENT_ID, CLIENT_SECRET):
                    self._send(200, {"errcode": 40001, "errmsg": "invalid credential"})
                    return
                server.tokens["corp-token"] = {"corp": True}
                self._send(200, {"errcode": 0, "errmsg": "ok", "access_token": "corp-token", "expires_in": 7200})

            def wecom_getuserinfo(self, query: dict[str, str]) -> None:
                if query.get("access_token") != "corp-token":
                    self._send(200, {"errcode": 40014, "errmsg": "invalid access_token"})
                    return
                grant = server.take_code(query.get("code", ""))
                if grant is None:
                    self._send(200, {"errcode": 40029, "errmsg": "invalid code"})
                    return
                person = grant["person"]
                if "userid" in person:
                    server.tokens["member:" + person["userid"]] = person
                    self._send(200, {"errcode": 0, "errmsg": "ok", "userid": person["userid"]})
                else:  # somebody from outside the company
                    self._send(200, {"errcode": 0, "errmsg": "ok", "openid": person.get("openid", "o-outsider")})

            def wecom_user_get(self, query: dict[str, str]) -> None:
                person = server.tokens.get("member:" + query.get("userid", ""))
                if query.get("access_token") != "corp-token" or person is None:
                    self._send(200, {"errcode": 60111, "errmsg": "userid not found"})
                else:
                    self._send(200, {"errcode": 0, "errmsg": "ok", **person})

        return Handler
