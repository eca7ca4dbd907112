"""The 403, 404 and 500 pages: the app's own pages in the reader's language, not Django's bare English ones."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

CJK = re.compile(r"[\u4e00-\u9fff]")


def visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))


@pytest.mark.django_db
def test_a_rep_opening_a_team_dashboard_gets_the_apps_403_page_in_each_language(personas, login):
    client = login(personas.owner)
    url = reverse("insights:dashboard", args=["sales"])

    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have access to this page" in page
    # The app's layout: its menu and a way home.
    assert 'class="topbar"' in page and reverse("web:home") in page
    assert not CJK.search(visible_text(page).replace("中文", ""))

    personas.owner.language = "zh-hans"
    personas.owner.save(update_fields=["language"])
    page = client.get(url).content.decode()
    assert "你无权访问此页面" in page
    assert "Forbidden" not in page and "You do not have access" not in page


@pytest.mark.django_db
def test_a_missing_page_gets_the_apps_404_page_in_each_language(personas, login):
    client = login(personas.owner)
    response = client.get("/deals/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'class="topbar"' in page

    personas.owner.language = "zh-hans"
    personas.owner.save(update_fields=["language"])
    page = client.get("/no-such-page/").content.decode()
    assert "页面不存在" in page and "Not Found" not in page


@pytest.mark.django_db
def test_an_anonymous_404_renders_without_the_menu(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="topbar"' not in response.content.decode()


@pytest.mark.parametrize("language,expected", [("en", "Something went wrong"), ("zh-hans", "出错了")])
def test_the_500_page_needs_neither_the_database_nor_the_user(language, expected):
    # No django_db mark: any query would fail the test. The request has no user and no session.
    request = RequestFactory().get("/deals/")
    with translation.override(language):
        response = defaults.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert expected in page
    assert f'lang="{language}"' in page
    assert "Server Error" not in page
