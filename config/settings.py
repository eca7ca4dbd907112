"""Presales Hub settings: every value comes from the environment, with safe production defaults.

DJANGO_DEBUG=1 turns on development mode (the demo and the tests); anything else is production and
requires DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
import django_tomselect
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("PRESALES_TESTING")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-for-the-demo-and-tests-0123456789abcdefghijklmnop"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (50+ random characters) or DJANGO_DEBUG=1 for development.")
# Previous keys, comma-separated, while rotating: sessions and the encrypted chat and webhook secrets still open.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "simple_history",
    "csp",
    "ninja",
    "huey.contrib.djhuey",
    "presales.core",
    "presales.people",
    "presales.notifications",
    "presales.currencies",
    "presales.customers",
    "presales.playbook",
    "presales.deals",
    "presales.work",
    "presales.knowledge",
    "presales.bids",
    "presales.approvals",
    "presales.integration",
    "presales.scoring",
    "presales.winning",
    "presales.forecast",
    "presales.insights",
    "presales.capacity",
    "presales.web",
    "presales.staff",
    "presales.documents",
    "presales.demo",
    "presales.ops",
]

MIDDLEWARE = [
    # First, so every response (redirects and errors included) carries X-Request-ID and every log line its id.
    "presales.core.logs.RequestIdMiddleware",
    # Security headers (Content-Security-Policy, Permissions-Policy) on every response, /health/ included: see
    # "Browser security headers" below.
    "csp.middleware.CSPMiddleware",
    "presales.core.headers.PermissionsPolicyMiddleware",
    # Before the host check and the HTTPS redirect: the container health check calls http://127.0.0.1/health/.
    "presales.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "presales.people.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "presales" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "presales.web.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: SQLite by default (WAL, IMMEDIATE transactions so writers queue instead of failing),
# PostgreSQL through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Seconds a connection is kept between requests. 0 (close after each request) is the safe default: runserver
# serves every request on a new thread, and kept connections there exhausted PostgreSQL under a burst. Under
# gunicorn (one connection per worker process, or per thread) a modest value such as 60 saves the connect time.
DATABASE_CONN_MAX_AGE = int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "people:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: Simplified Chinese and English; the browser decides until the user chooses.
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "presales" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Numbers are grouped where they are shown as amounts (the money filters, number cells); a plain {{ value }} is
# never grouped, so an id or a version in a link or a form (deal 1204) stays 1204, not 1,204.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["presales.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "presales" / "static",
    # Tom Select's script and styles for the type-ahead pickers (core/pickers.py), from the django-tomselect package:
    # only its static files (not the app: its widgets render inline scripts, and it would add a model to the admin).
    ("django_tomselect", Path(django_tomselect.__file__).resolve().parent / "static" / "django_tomselect"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Files the app writes at run time (uploads, the embedded task queue) live under var/, outside the web root.
PRESALES_VAR_DIR = Path(os.environ.get("PRESALES_VAR_DIR", BASE_DIR / "var"))
# Uploaded files are only served through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("PRESALES_MEDIA_ROOT", PRESALES_VAR_DIR / "media"))
# Upload limits for knowledge and bid files: size, and the extensions accepted (the content is sniffed too).
PRESALES_MAX_UPLOAD_MB = int(os.environ.get("PRESALES_MAX_UPLOAD_MB", "25"))
PRESALES_UPLOAD_EXTENSIONS = env_list("PRESALES_UPLOAD_EXTENSIONS", "pdf,docx,xlsx,pptx,png,jpg,jpeg,txt,zip")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Presales Hub <noreply@localhost>")

# Production hardening (passes `manage.py check --deploy`).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Browser security headers (issue 16, item 5) -----------------------------------------------------------------
# A strict Content-Security-Policy on every response: scripts and styles only from our own static files (no inline
# script, no inline event handler, no style attribute); the one inline <style> we serve (inside the pygal chart
# SVGs) carries the per-request nonce. Images may be data: URIs (the Swagger UI of the API docs draws its icons so).
# Nothing may frame us, forms post only to us. docs/decisions.md, "Security headers", says why each directive.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF, csp_constants.NONCE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.NONE],
        "frame-src": [csp_constants.NONE],
        "frame-ancestors": [csp_constants.NONE],
        # Chrome applies form-action to the redirect after a post too: a sign-in form that posts here and is then
        # redirected to a single sign-on provider needs that provider's origin (PRESALES_CSP_FORM_ACTION).
        "form-action": [csp_constants.SELF, *env_list("PRESALES_CSP_FORM_ACTION")],
        "manifest-src": [csp_constants.SELF],
        "worker-src": [csp_constants.NONE],
    },
}
# Browser features the app never uses are switched off for it and anything it might embed (presales.core.headers).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "fullscreen": ["self"],
    "clipboard-write": ["self"],
    "publickey-credentials-get": ["self"],
    "publickey-credentials-create": ["self"],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- end of browser security headers -----------------------------------------------------------------------------

# Background work: a Huey queue (docs/decisions.md, "Task queue"). Without REDIS_URL the queue is a SQLite file
# under var/ (no server to install; web and worker on one machine); with REDIS_URL, any number of workers on any
# number of machines share it. `manage.py run_huey` is the worker; the schedule is in presales/ops/schedule.py.
# The currency every total, forecast, ranking and scorecard is shown in (docs/domain.md, Money).
COMPANY_CURRENCY = os.environ.get("PRESALES_COMPANY_CURRENCY", "CNY")

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": os.environ.get("PRESALES_QUEUE_NAME", "presales"),
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(PRESALES_VAR_DIR / "queue.sqlite3")},
    # Tasks record what they did in the database (ops.JobRun, the import job); nobody reads Huey's result store.
    "results": False,
    "utc": True,
    # Set explicitly: djhuey would otherwise run tasks inside the web request whenever DEBUG is on.
    "immediate": env_bool("PRESALES_QUEUE_IMMEDIATE"),
    "consumer": {
        "workers": int(os.environ.get("PRESALES_WORKER_THREADS", "2")),
        "worker_type": "thread",
        "check_worker_health": True,
    },
}
if not REDIS_URL and not HUEY["immediate"]:
    PRESALES_VAR_DIR.mkdir(parents=True, exist_ok=True)

# Logs: JSON lines on standard output in production (one object per line, with the request id), readable text in
# development. DJANGO_LOG_FORMAT=json|text overrides the choice.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if (DEBUG or TESTING) else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "presales.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Our own lines (requests, jobs, imports) and the worker's are worth keeping at INFO in production.
        "presales": {"level": os.environ.get("PRESALES_LOG_LEVEL", "WARNING" if TESTING else "INFO")},
        # Huey's own lines ("executing task ...", twice a minute per job) only from WARNING; start and stop at INFO.
        # A handler of its own, or run_huey would add a second, unformatted one.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "huey.consumer": {"level": "WARNING" if TESTING else "INFO"},
        "huey.consumer.Scheduler": {"level": "WARNING"},  # "enqueueing periodic task", every minute
    },
}
# One line per request (method, path, status, duration, request id). runserver prints its own, so off in DEBUG.
PRESALES_REQUEST_LOG = env_bool("PRESALES_REQUEST_LOG", not (DEBUG or TESTING))

# Errors to Sentry when SENTRY_DSN is set; no personal data is sent (no cookies, user details, request bodies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from presales.core.logs import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Product settings
PRESALES_PAGE_SIZE = 25
PRESALES_DEFAULT_TIMEZONE = "Asia/Shanghai"
PRESALES_CURRENCIES = ["CNY", "USD", "EUR", "HKD"]

# Notifications leave the app by e-mail and chat with absolute links: the address people open the app at.
PRESALES_BASE_URL = os.environ.get("PRESALES_BASE_URL", "http://localhost:8000")
# Chat robots post only to their platforms' hosts (a robot address typed by anybody cannot reach an internal host).
PRESALES_CHAT_ROBOT_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "PRESALES_CHAT_ROBOT_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com,open.feishu.cn,open.larksuite.com"
    ).split(",")
    if host.strip()
]

# --- Sign-in: django-allauth (password, MFA, single sign-on, reset by e-mail) and django-axes (lockout) ----------
# Kept in one block on purpose (docs/decisions.md, "Sign-in"). Allauth's pages live under /auth/ (/accounts/ is the
# customers app); /login/ stays the sign-in page the app links to.
INSTALLED_APPS += [  # noqa: PLE0604
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.dingtalk",
    "allauth.socialaccount.providers.feishu",
    "presales.people.sso.wecom",
    "axes",
]
# Allauth's middleware after AuthenticationMiddleware; the MFA-required gate after it; axes last (it turns a
# locked-out sign-in's answer into the lockout page).
MIDDLEWARE += [
    "allauth.account.middleware.AccountMiddleware",
    "presales.people.signin.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before any password check
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "presales.people.signin.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "presales.people.signin.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]  # sign-up itself is closed (the adapter)
ACCOUNT_EMAIL_VERIFICATION = "none"  # nobody signs up; an administrator enters each person's e-mail
ACCOUNT_PREVENT_ENUMERATION = True  # the reset page answers alike for known and unknown addresses
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None  # the person chooses ("Remember me")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Presales Hub] "
# Allauth's own throttles stay on for the reset and set-password pages; failed passwords are django-axes's job.
ACCOUNT_RATE_LIMITS = {
    "login_failed": False,
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PRESALES_PASSWORD_RESET_HOURS", "2")) * 3600  # a reset link's life
# MFA: TOTP with recovery codes, and security keys / passkeys (WebAuthn).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = os.environ.get("PRESALES_MFA_ISSUER", "Presales Hub")
MFA_FORMS = {"authenticate": "presales.people.signin.MfaAuthenticateForm"}  # wrong codes count like wrong passwords
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING  # http://localhost in development only
# Roles that must set up MFA before using the app (an administrator adds more in the admin: "MFA requirements").
PRESALES_MFA_REQUIRED_ROLES = env_list("PRESALES_MFA_REQUIRED_ROLES", "" if (DEBUG or TESTING) else "admin")
# Single sign-on: an unknown person is refused; a known one links by a verified e-mail (docs/decisions.md).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in button posts (no cross-site start of a sign-in)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {}
if os.environ.get("PRESALES_OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": os.environ.get("PRESALES_OIDC_ID", "oidc"),
                "name": os.environ.get("PRESALES_OIDC_NAME", "Company sign-in"),
                "client_id": os.environ["PRESALES_OIDC_CLIENT_ID"],
                "secret": os.environ.get("PRESALES_OIDC_SECRET", ""),
                "settings": {
                    "server_url": os.environ.get("PRESALES_OIDC_SERVER_URL", ""),
                    "oauth_pkce_enabled": True,
                    # The provider's email_verified claim decides; set to 1 only for a directory that owns the domain.
                    "verified_email": env_bool("PRESALES_OIDC_TRUST_EMAIL"),
                },
            }
        ]
    }
for _provider, _prefix in (("dingtalk", "DINGTALK"), ("feishu", "FEISHU"), ("wecom", "WECOM")):
    if os.environ.get(f"PRESALES_{_prefix}_CLIENT_ID"):
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [
                {
                    "client_id": os.environ[f"PRESALES_{_prefix}_CLIENT_ID"],
                    "secret": os.environ.get(f"PRESALES_{_prefix}_SECRET", ""),
                    # WeCom: the agent id of the self-built app (企业微信自建应用 AgentId).
                    "key": os.environ.get(f"PRESALES_{_prefix}_AGENT_ID", ""),
                    # The e-mail a company directory reports is trusted for linking only when the company says so.
                    "settings": {"verified_email": env_bool(f"PRESALES_{_prefix}_TRUST_EMAIL")},
                }
            ]
        }
# django-axes: 10 failures lock the account, and (separately) the address; the delay grows with each lockout.
AXES_FAILURE_LIMIT = int(os.environ.get("PRESALES_SIGNIN_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "presales.people.signin.lockout_cooloff"
AXES_USE_ATTEMPT_EXPIRATION = True  # each lockout ends on its own time, whatever others' delays are
AXES_HANDLER = "presales.people.signin.LockoutHandler"  # one end for all of a locked account's (or address's) records
AXES_USERNAME_CALLABLE = "presales.people.signin.lockout_username"
AXES_LOCKOUT_CALLABLE = "presales.people.signin.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "login", "token"]
# The address a failure counts against: REMOTE_ADDR, or behind DJANGO_BEHIND_PROXY the address the last proxy saw.
AXES_CLIENT_IP_CALLABLE = "presales.people.signin.client_ip"
PRESALES_TRUSTED_PROXIES = (
    int(os.environ.get("PRESALES_TRUSTED_PROXIES", "1")) if env_bool("DJANGO_BEHIND_PROXY") else 0
)
# --- end of the sign-in block ---------------------------------------------------------------------------------------
