"""Production settings pass `manage.py check --deploy` with no warnings; development needs no set-up."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESALES_"))}
    base.update(env)
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="x7!kq2@Lr9#pZ4$wM1^tV8&nB3*cY6(hJ0)fD5-gS2=aE7+uQ4_iO9",
        DJANGO_ALLOWED_HOSTS="presales.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="presales.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


SECRET = "x7!kq2@Lr9#pZ4$wM1^tV8&nB3*cY6(hJ0)fD5-gS2=aE7+uQ4_iO9"  # noqa: S105  (a test value)
SHOW_SIGNIN_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.PRESALES_MFA_REQUIRED_ROLES); "
    "print(sorted(settings.SOCIALACCOUNT_PROVIDERS)); "
    "print(settings.SOCIALACCOUNT_PROVIDERS.get('openid_connect', {}).get('APPS', [{}])[0].get('settings')); "
    "print(settings.AXES_FAILURE_LIMIT, settings.PRESALES_TRUSTED_PROXIES)"
)


def test_production_requires_mfa_for_administrators_and_reads_single_sign_on_from_the_environment():
    sso_env = {
        "PRESALES_OIDC_CLIENT_ID": "presales-hub",
        "PRESALES_OIDC_SECRET": "s3cret",
        "PRESALES_OIDC_SERVER_URL": "https://sso.example.com/realms/corp",
        "PRESALES_WECOM_CLIENT_ID": "ww0123456789",
        "PRESALES_WECOM_SECRET": "s3cret",
        "PRESALES_WECOM_AGENT_ID": "1000002",
        "PRESALES_DINGTALK_CLIENT_ID": "ding0123",
        "PRESALES_FEISHU_CLIENT_ID": "cli_0123",
        "DJANGO_BEHIND_PROXY": "1",
    }
    result = run_manage(
        "shell",
        "-c",
        SHOW_SIGNIN_SETTINGS,
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="presales.example.com",
        **sso_env,
    )
    assert result.returncode == 0, result.stderr
    roles, providers, oidc, axes = result.stdout.strip().splitlines()[-4:]
    assert roles == "['admin']"
    assert providers == "['dingtalk', 'feishu', 'openid_connect', 'wecom']"
    assert "https://sso.example.com/realms/corp" in oidc and "'oauth_pkce_enabled': True" in oidc
    assert axes == "10 1"
    deploy = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="presales.example.com",
        **sso_env,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


def test_development_asks_no_mfa_and_offers_no_single_sign_on():
    result = run_manage("shell", "-c", SHOW_SIGNIN_SETTINGS, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    roles, providers, _oidc, axes = result.stdout.strip().splitlines()[-4:]
    assert (roles, providers, axes) == ("[]", "[]", "10 0")
