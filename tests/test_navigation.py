"""The main navigation: role-aware (no entry leads to a 403), grouped into the bar, More, and the phone's tabs."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _nav_links(client) -> list[str]:
    html = client.get("/").content.decode()
    nav = NAV.search(html).group(0)
    return [href for href in HREF.findall(nav) if not href.startswith("/admin/")]


@pytest.mark.parametrize("persona", ["owner", "engineer", "presales_manager", "manager", "outsider", "admin"])
def test_every_navigation_entry_opens_for_the_person(personas, login, persona):
    client = login(getattr(personas, persona))
    links = _nav_links(client)
    assert "/" in links and "/deals/" in links
    for href in set(links):
        response = client.get(href, follow=True)
        assert response.status_code == 200, (persona, href, response.status_code)


def test_role_aware_entries(personas, login):
    sales = _nav_links(login(personas.owner))
    assert "/integration/import/" in sales  # sales reps create accounts and deals, so they import them
    assert "/playbook/settings/" not in sales and "/scoring/" not in sales
    assert "/work/requests/" in sales  # people who do not log presales work land on their requests
    engineer = _nav_links(login(personas.engineer))
    assert "/work/activities/" in engineer and "/scoring/" in engineer
    assert "/integration/import/" not in engineer and "/playbook/settings/" not in engineer
    manager_html = login(personas.presales_manager).get("/").content.decode()
    assert "/playbook/settings/" in NAV.search(manager_html).group(0)
    admin_html = login(personas.admin).get("/").content.decode()
    assert 'href="/admin/"' in NAV.search(admin_html).group(0) or not personas.admin.is_staff


def test_active_entry_and_more_menu(personas, login):
    client = login(personas.manager)
    html = client.get("/deals/board/").content.decode()
    nav = NAV.search(html).group(0)
    # The board is an entry of its own under More: it is the current page, not Opportunities.
    assert re.search(r'<a href="/deals/board/" class="active" aria-current="page"', nav)
    assert not re.search(r'<a href="/deals/"[^>]*aria-current', nav)
    assert re.search(r'<summary class="navlink active', nav)
    html = client.get("/deals/").content.decode()
    assert re.search(r'<a href="/deals/" class="navlink active" aria-current="page"', NAV.search(html).group(0))
