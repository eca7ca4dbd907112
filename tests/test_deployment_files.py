"""Deployment files: compose.yaml validates and wires web, worker, PostgreSQL and Redis; the image and gunicorn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
REQUIRED_ENV = {"DJANGO_SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "compose-test"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_web_worker_postgres_and_redis_from_one_image():
    services = compose()["services"]
    assert set(services) == {"migrate", "web", "worker", "db", "redis"}
    app = ("migrate", "web", "worker")
    assert {services[name]["image"] for name in app} == {"presales-hub:latest"}
    assert all(services[name]["build"] == "." for name in app)
    assert services["worker"]["command"] == ["python", "manage.py", "run_huey"]
    assert "command" not in services["web"]  # the image's default: gunicorn
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        # The worker reads the files the web server stored.
        assert "media:/app/var/media" in services[name]["volumes"]
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "health"]
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`docker-compose config -q` on the compose file, with this environment."""
    return subprocess.run(  # noqa: S603
        ["docker-compose", "-f", str(COMPOSE), "config", "-q"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose (Debian package) is not installed")
def test_docker_compose_config_validates():
    env = {**os.environ, **REQUIRED_ENV}
    result = _compose_config(env)
    assert result.returncode == 0, result.stderr
    # Without the secrets it refuses to start rather than run with blanks.
    refused = _compose_config({k: v for k, v in env.items() if k not in REQUIRED_ENV})
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY" in refused.stderr


def test_the_image_is_built_from_registries_with_static_files_translations_and_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.11" in dockerfile
    assert "pip install -r requirements.lock" in dockerfile
    assert "manage.py compile_translations" in dockerfile and "manage.py collectstatic --noinput" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "http://127.0.0.1:8000/health/" in dockerfile
    assert "\nUSER presales" in dockerfile
    assert 'CMD ["gunicorn", "--config", "config/gunicorn.conf.py"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var/", "db.sqlite3*", ".git"} <= set(ignored)


def test_gunicorn_config_loads_and_points_at_the_app():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESALES_"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, WEB_CONCURRENCY="3", PRESALES_VAR_DIR=str(ROOT / "var"))
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(  # noqa: S603
        [gunicorn, "--config", "config/gunicorn.conf.py", "--check-config", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    printed = dict(
        line.split("=", 1) for line in (raw.replace(" ", "") for raw in result.stdout.splitlines()) if "=" in line
    )
    assert printed["wsgi_app"] == "config.wsgi:application"
    assert printed["workers"] == "3"
    assert printed["bind"] == "['0.0.0.0:8000']"
