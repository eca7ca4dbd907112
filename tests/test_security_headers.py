"""Security headers on every page: a strict Content-Security-Policy and a Permissions-Policy (issue 16, item 5).

The crawl signs in as each demo role, starts at the home page and follows every link it finds on our own site (one
page per URL pattern, so it ends), and checks every answer: the headers are there, and the HTML holds nothing the
policy would refuse (an inline script, an inline event handler, a style attribute, a <style> without the nonce).
tests/browser/test_csp.py checks the same pages in Chromium, which reports any violation itself.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from presales.core.headers import permissions_policy
from presales.demo.people import DEMO_LOGINS
from presales.people.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

HREF = re.compile(r'href="([^"#]*)')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.I)
NONCE_IN_POLICY = re.compile(r"'nonce-([^']+)'")
# Links the crawl does not follow: files, downloads (PDFs: /pdf/), signing out, and the admin's per-row pages (its index is kept).
SKIP = re.compile(r"^/(static|media)/|/logout/|[?&]export=|/download/|/pdf/|/ical/|/feed/|\.ics$")
MAX_PAGES_PER_ROLE = 150


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_headers(response, where: str) -> None:
    """The two headers on one response, and the policy as strict as settings say."""
    policy = response.get("Content-Security-Policy")
    assert policy, f"no Content-Security-Policy on {where}"
    directives = _directives(policy)
    assert directives["script-src"] == ["'self'"], (where, policy)
    assert "'unsafe-inline'" not in directives["style-src"] and "'unsafe-eval'" not in policy, (where, policy)
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], where
    assert directives["base-uri"] == ["'none'"], where
    features = response.get("Permissions-Policy", "")
    assert "camera=()" in features and "geolocation=()" in features and "microphone=()" in features, where


def assert_nothing_inline(response, where: str) -> None:
    """The HTML holds nothing the policy refuses (Chromium would log a violation and ignore it)."""
    if "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"inline <script> on {where}"
    match = EVENT_HANDLER.search(html)
    assert not match, f"inline event handler on {where}: {match.group(0)[:120] if match else ''}"
    match = STYLE_ATTRIBUTE.search(html)
    assert not match, f"style attribute on {where}: {match.group(0)[:120] if match else ''}"
    nonces = NONCE_IN_POLICY.findall(response["Content-Security-Policy"])
    for attributes in STYLE_TAG.findall(html):
        assert any(f'nonce="{nonce}"' in attributes for nonce in nonces), f"<style> without the nonce on {where}"


def _pattern(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def crawl(client: Client, start: str = "/") -> list[str]:
    """Every page reachable by links from `start`, one per URL pattern; checks each answer on the way."""
    seen_patterns: set[str] = set()
    queue = deque([start])
    visited: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        pattern = _pattern(path)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = client.get(url)
        visited.append(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_headers(response, url)
        assert_nothing_inline(response, url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(href):
                continue
            queue.append(href)
    return visited


@pytest.mark.parametrize("username", list(DEMO_LOGINS))
def test_every_page_of_every_role_carries_the_headers(small_demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    visited = crawl(client)
    # The crawl really went round the app, not just the home page.
    assert len(visited) >= 15, (username, visited)


def test_anonymous_pages_api_docs_and_errors_carry_the_headers(small_demo):
    client = Client()
    for url in ("/login/", "/health/", "/api/v1/openapi.json", "/no-such-page/", "/deals/"):
        response = client.get(url)
        assert_headers(response, url)
        assert_nothing_inline(response, url)
    client.force_login(User.objects.get(username="admin"))
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert_headers(docs, "/api/v1/docs")
    assert_nothing_inline(docs, "/api/v1/docs")
    # The docs load Swagger UI from our own static files (they work offline), not from a CDN.
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    admin = client.get("/admin/")
    assert_headers(admin, "/admin/")


def test_a_chart_style_gets_the_request_nonce(small_demo):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    response = client.get("/insights/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    nonce = NONCE_IN_POLICY.search(response["Content-Security-Policy"])
    assert nonce and f'<style nonce="{nonce.group(1)}"' in html


def test_permissions_policy_syntax():
    assert permissions_policy({"camera": [], "fullscreen": ["self"], "payment": ["https://pay.example"]}) == (
        'camera=(), fullscreen=(self), payment=("https://pay.example")'
    )
