"""Issue 17's page benchmark: the real server, over HTTP, at a demo size (not part of the test run).

    make bench                                   # SIZE=company DB=sqlite
    make bench SIZE=department DB=postgres
    .venv/bin/python bench/run.py --size company --db sqlite [--repeat 15] [--seconds 20] [--reseed]

1. Seeds the bench database, or reuses it when it was seeded at that size: a SQLite file
   var/bench/<size>-sqlite.sqlite3, or the PostgreSQL database bench_<size> on 127.0.0.1 (BENCH_PG_URL names the
   server, default postgres://postgres@127.0.0.1:5432). A marker file var/bench/<size>-<db>.json records the seed.
2. Production settings: DJANGO_DEBUG off, a random DJANGO_SECRET_KEY, static files collected (manifest storage)
   into a temporary DJANGO_STATIC_ROOT, translations compiled, gunicorn with config/gunicorn.conf.py and 2 workers.
   The server runs as it does behind the TLS proxy of a real installation (DJANGO_BEHIND_PROXY=1; the client sends
   X-Forwarded-Proto: https): secure cookies, HSTS and the SSL redirect stay on, no setting is relaxed.
3. Signs in over HTTP as each demo role (demo password; the administrator, who must use two-factor sign-in in
   production, gets a TOTP authenticator in the bench database and types its current code), then times each page
   --repeat times: p50/p95/max ms, HTML bytes. The API list of 50 uses a read token per person.
4. Queries per request: the same request made in-process (Django's test client, same settings and database) inside
   CaptureQueriesContext, after one warm-up request; the HTTP server itself is not instrumented.
5. Throughput: --clients concurrent keep-alive clients (threads) requesting the deal list page 1 for --seconds.
6. Prints a Markdown table and writes bench/results/<size>-<db>-<date>.json. gunicorn is stopped (its whole process
   group) in a finally block, on Ctrl-C and on SIGTERM too.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
PYTHON = sys.executable
ROLES = ["sales", "salesmgr", "presales", "presalesmgr", "commercial", "aftersales", "admin"]
THROUGHPUT_USER = "salesmgr"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEAL_LINK = re.compile(r'href="/deals/(\d+)/"')


# --- the bench database ---------------------------------------------------------------------------------------------


def database_env(size: str, db: str) -> dict[str, str]:
    """The variables that point Django at the bench database of this size."""
    if db == "sqlite":
        return {
            "SQLITE_PATH": str(BENCH_DIR / f"{size}-sqlite.sqlite3"),
            "DATABASE_URL": "",
            "DATABASE_CONN_MAX_AGE": "60",
        }
    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return {"DATABASE_URL": f"{server}/bench_{size}", "DATABASE_CONN_MAX_AGE": "60"}


def recreate_database(size: str, db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database_env(size, db)['SQLITE_PATH']}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "bench_{size}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "bench_{size}"')


def manage(args: list[str], env: dict[str, str], **kwargs: Any) -> None:
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603 - our own manage.py


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def commit() -> str:
    git = shutil.which("git") or "git"
    result = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    return result.stdout.strip()


def ensure_seeded(size: str, db: str, reseed: bool, base_env: dict[str, str]) -> dict[str, Any]:
    """Seed the bench database unless the marker says it holds this size already; returns the marker."""
    marker = BENCH_DIR / f"{size}-{db}.json"
    if marker.exists() and not reseed:
        print(f"reusing the {size} database on {db} (seeded {json.loads(marker.read_text())['seeded_at']})")
        return dict(json.loads(marker.read_text()))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    recreate_database(size, db)
    env = {**base_env, "DJANGO_DEBUG": "1"}  # seed_demo is a development command
    manage(["migrate", "--verbosity", "0"], env)
    load_before = load_average()
    started = time.monotonic()
    manage(["seed_demo", "--size", size], env, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    info = {
        "size": size,
        "db": db,
        "seeded_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seed_seconds": round(seconds, 1),
        "load_before": load_before,
        "load_after": load_average(),
        "commit": commit(),
    }
    marker.write_text(json.dumps(info, indent=2))
    print(f"seeded {size} on {db} in {seconds:.0f}s")
    return info


# --- a small HTTP client with its own cookie jar (the session cookie is Secure; the proxy header says HTTPS) ---------


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    milliseconds: float


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "Accept-Language": "zh-hans",
            **self.headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: open a new one once
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                content = answer.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            milliseconds = (time.perf_counter() - started) * 1000
            break
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if answer.getheader("Connection", "").lower() == "close" and self.connection is not None:
            self.connection.close()
            self.connection = None
        return Response(answer.status, content, {k.lower(): v for k, v in answer.getheaders()}, milliseconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, form: dict[str, str]) -> Response:
        page = self.get(path)
        match = CSRF_INPUT.search(page.body.decode())
        if not match:
            raise RuntimeError(f"no CSRF token on {path} (status {page.status})")
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": match.group(1)})


def sign_in(port: int, username: str, password: str, totp_secret: str | None) -> Client:
    client = Client(port)
    answer = client.post_form("/login/", {"login": username, "password": password})
    location = answer.headers.get("location", "")
    if answer.status != 302:
        raise RuntimeError(f"signing in as {username}: status {answer.status}")
    if "2fa" in location:
        if totp_secret is None:
            raise RuntimeError(f"{username} is asked for a second factor")
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        answer = client.post_form(location, {"code": code})
        if answer.status != 302:
            raise RuntimeError(f"second factor for {username}: status {answer.status}")
    if "sessionid" not in client.cookies:
        raise RuntimeError(f"no session after signing in as {username}")
    return client


# --- Django in this process: bench users' second factor and tokens, the pages to time, the query counts -----------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the in-process requests' log lines (the server logs its own to its file)


def prepare_people() -> dict[str, dict[str, Any]]:
    """Per role: the TOTP secret (administrators: the production rule asks them for one), an API token, the pages."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    from presales.deals.models import Opportunity
    from presales.people.models import User
    from presales.people.signin import mfa_required_for
    from presales.people.tokens import api_token_create

    people: dict[str, dict[str, Any]] = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        totp_secret = None
        if mfa_required_for(user):
            authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if authenticator is None:
                totp_secret = generate_totp_secret()
                TOTP.activate(user, totp_secret)
            else:
                totp_secret = decrypt(authenticator.data["secret"])
        _token, secret = api_token_create(user=user, name="bench", days=1)
        visible = Opportunity.objects.visible_to(user)
        count = visible.count()
        from django.conf import settings

        pages = max(1, math.ceil(count / settings.PRESALES_PAGE_SIZE))
        people[username] = {"user": user, "totp": totp_secret, "token": secret, "deals": count, "deep": pages // 2 + 1}
    return people


def page_paths(person: dict[str, Any], deal_id: int | None) -> dict[str, str]:
    paths = {
        "deal list p1": "/deals/",
        f"deal list p{person['deep']}": f"/deals/?page={person['deep']}",
        "deal detail": f"/deals/{deal_id}/" if deal_id else "",
        "home": "/",
        "sales dashboard": "/insights/sales/",
        "presales dashboard": "/insights/presales/",
        "activity list": "/work/activities/",
        "request list": "/work/requests/",
        "account list": "/accounts/",
        "API list of 50": "/api/v1/opportunities/?limit=50",
    }
    return {name: path for name, path in paths.items() if path}


def count_queries(user: Any, path: str, token: str | None, port: int) -> int:
    """Queries the same request makes in-process (second of two runs, as the HTTP timings are mostly warm)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=f"127.0.0.1:{port}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    else:
        client.force_login(user)
    client.get(path, secure=True, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, secure=True, headers=headers)
    return len(queries)


# --- gunicorn ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn with the project's config
            [str(Path(PYTHON).parent / "gunicorn"), "--config", "config/gunicorn.conf.py"],
            env=server_env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops the workers too
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not listen on {port} within 60 s; see {log}")


def stop_server(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# --- the measurements ---------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def time_page(client: Client, path: str, repeat: int) -> dict[str, Any]:
    first = client.get(path)  # warm-up (and the status and size)
    durations = [client.get(path).milliseconds for _run in range(repeat)] if first.status == 200 else []
    return {
        "status": first.status,
        "bytes": len(first.body),
        "p50": round(statistics.median(durations), 1) if durations else None,
        "p95": round(percentile(durations, 0.95), 1) if durations else None,
        "max": round(max(durations), 1) if durations else None,
    }


def throughput(port: int, cookies: dict[str, str], clients: int, seconds: float) -> dict[str, Any]:
    stop_at = time.monotonic() + seconds
    counts = [0] * clients
    errors = [0] * clients
    durations: list[list[float]] = [[] for _client in range(clients)]

    def run(index: int) -> None:
        client = Client(port, cookies=dict(cookies))
        while time.monotonic() < stop_at:
            answer = client.get("/deals/")
            if answer.status == 200:
                counts[index] += 1
                durations[index].append(answer.milliseconds)
            else:
                errors[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [value for values in durations for value in values]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": sum(counts),
        "errors": sum(errors),
        "per_second": round(sum(counts) / elapsed, 1),
        "p50": round(statistics.median(every), 1) if every else None,
        "p95": round(percentile(every, 0.95), 1) if every else None,
    }


def production_env(size: str, db: str, static_root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_DEBUG", "PRESALES_TESTING"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {
        **env,
        **database_env(size, db),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "PRESALES_VAR_DIR": str(BENCH_DIR / f"var-{size}-{db}"),
        "DJANGO_LOG_FORMAT": "json",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="company")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page and person")
    parser.add_argument("--seconds", type=float, default=20, help="length of the throughput run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the throughput run")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo logins to time")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database holds this size")
    options = parser.parse_args()

    static_root = Path(tempfile.mkdtemp(prefix="presales-bench-static-"))
    env = production_env(options.size, options.db, static_root)
    seed = ensure_seeded(options.size, options.db, options.reseed, env)
    process: subprocess.Popen[bytes] | None = None
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))  # run the finally block
    try:
        manage(["migrate", "--verbosity", "0"], env)
        manage(["compile_translations"], env, stdout=subprocess.DEVNULL)
        manage(["collectstatic", "--noinput", "--verbosity", "0"], env)
        setup_django(env)
        from django.db import connection

        from presales.deals.models import DealStep, Opportunity
        from presales.demo.people import DEMO_PASSWORD

        people = prepare_people()
        totals = {"deals": Opportunity.objects.count(), "deal_steps": DealStep.objects.count()}
        connection.close()
        port = free_port()
        log = BENCH_DIR / f"gunicorn-{options.size}-{options.db}.log"
        load_before = load_average()
        process = start_server(env, port, log)
        print(f"gunicorn on 127.0.0.1:{port} (2 workers), log {log}; load {load_before}")

        rows: list[dict[str, Any]] = []
        sessions: dict[str, Client] = {}
        for username in [name.strip() for name in options.roles.split(",") if name.strip()]:
            person = people[username]
            client = sign_in(port, username, DEMO_PASSWORD, person["totp"])
            sessions[username] = client
            listing = client.get("/deals/")
            match = DEAL_LINK.search(listing.body.decode())
            for page, path in page_paths(person, int(match.group(1)) if match else None).items():
                api = path.startswith("/api/")
                timer = Client(port, headers={"Authorization": f"Bearer {person['token']}"}) if api else client
                row = {"role": username, "page": page, "path": path, **time_page(timer, path, options.repeat)}
                row["queries"] = count_queries(person["user"], path, person["token"] if api else None, port)
                connection.close()
                rows.append(row)
                print(
                    f"  {username:<12} {page:<22} {row['status']} p50 {row['p50']} p95 {row['p95']} "
                    f"max {row['max']} ms, {row['bytes'] / 1024:.0f} KB, {row['queries']} queries"
                )
        runner = sessions.get(THROUGHPUT_USER) or next(iter(sessions.values()))
        rate = throughput(port, runner.cookies, options.clients, options.seconds)
        rate["user"] = THROUGHPUT_USER if THROUGHPUT_USER in sessions else next(iter(sessions))
        load_after = load_average()
    finally:
        stop_server(process)
        signal.signal(signal.SIGTERM, previous_sigterm)
        shutil.rmtree(static_root, ignore_errors=True)

    report(options, seed, totals, rows, rate, load_before, load_after)


def report(
    options: argparse.Namespace,
    seed: dict[str, Any],
    totals: dict[str, int],
    rows: list[dict[str, Any]],
    rate: dict[str, Any],
    load_before: list[float],
    load_after: list[float],
) -> None:
    today = datetime.datetime.now(datetime.UTC)
    lines = [
        f"{options.size} on {options.db}: {totals['deals']:,} deals, {totals['deal_steps']:,} deal steps; "
        f"commit {commit()}, {today:%Y-%m-%d %H:%M} UTC, load {load_before} -> {load_after}, "
        f"{os.cpu_count()} CPUs; {options.repeat} timed requests per page after one warm-up",
        "",
        "| role | page | status | p50 ms | p95 ms | max ms | queries | KB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['role']} | {row['page']} | {row['status']} | {row['p50'] or '—'} | {row['p95'] or '—'} | "
            f"{row['max'] or '—'} | "
            f"{row['queries']} | {row['bytes'] / 1024:.1f} |"
        )
    lines.append("")
    lines.append(
        f"Throughput, deal list page 1 as {rate['user']}, {rate['clients']} clients for {rate['seconds']} s: "
        f"{rate['per_second']} requests/s ({rate['requests']} requests, {rate['errors']} errors, "
        f"p50 {rate['p50']} ms, p95 {rate['p95']} ms)"
    )
    print("\n" + "\n".join(lines))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    target = RESULTS_DIR / f"{options.size}-{options.db}-{today:%Y%m%d-%H%M}.json"
    document = {
        "size": options.size,
        "db": options.db,
        "date": today.isoformat(timespec="seconds"),
        "commit": commit(),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "repeat": options.repeat,
        "seed": seed,
        "totals": totals,
        "pages": rows,
        "throughput": rate,
    }
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
