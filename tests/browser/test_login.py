"""Signing in and switching the language in a real browser."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_and_switch_language(page, live_server, personas):
    sign_in(page, live_server, "owner", PASSWORD)
    assert page.locator("h1").inner_text().startswith("Hello")
    page.click(".langswitch button[value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_wrong_password_shows_a_message(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=login]", "owner")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".alert-error").is_visible()
    assert page.input_value("input[name=login]") == "owner"
