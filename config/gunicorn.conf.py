"""gunicorn settings for Presales Hub (`gunicorn --config config/gunicorn.conf.py`); environment variables override.

Sync workers: one request at a time per process, so one database connection per process, which is what makes a
DATABASE_CONN_MAX_AGE of 60 safe here (workers x web servers = connections; keep it under PostgreSQL's
max_connections). Long work does not belong in a request: imports and reminders run in the Huey worker.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside a container, behind a proxy
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle each worker now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# gunicorn's control socket (a file in the home directory) is not used; in the image that directory is read-only.
control_socket_disable = True
# Which proxies may say the request came over HTTPS (X-Forwarded-Proto); see DJANGO_BEHIND_PROXY.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app writes one log line per request itself (with its request id), so gunicorn's access log stays off;
# gunicorn's own messages go to standard output in the same format as the app's.
accesslog = None
errorlog = "-"
if os.environ.get("DJANGO_LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }
