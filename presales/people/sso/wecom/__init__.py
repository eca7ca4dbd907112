"""WeCom (企业微信) web sign-in as a django-allauth provider.

Allauth has WeChat (微信, for consumers) but not WeCom, the company edition. This package follows allauth's provider
API (a provider, an OAuth2 adapter and client, the default URL patterns), so allauth's flows, linking rules and
templates apply to it as to its own providers.

The protocol (developer.work.weixin.qq.com, 企业微信 Web 登录 and 身份验证):

1. the browser goes to ``{AUTHORIZE_URL}?login_type=CorpApp&appid=<corp id>&agentid=<agent id>&redirect_uri=…&state=…``
   and comes back with ``?code=…&state=…``;
2. the server gets the company's access token: ``GET {API_URL}/cgi-bin/gettoken?corpid=…&corpsecret=…``;
3. the code names the member: ``GET {API_URL}/cgi-bin/auth/getuserinfo?access_token=…&code=…`` → ``userid``
   (a visitor outside the company gets an ``openid`` instead, and is refused);
4. the member's details: ``GET {API_URL}/cgi-bin/user/get?access_token=…&userid=…`` (name, and the e-mail when the
   app may read it).

Every answer carries ``errcode`` (0 when it worked).
"""
