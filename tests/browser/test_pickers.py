"""Type-ahead pickers in a real browser: search as you type, pick, save; the deal list filter picks a person."""

from __future__ import annotations

import pytest

from presales.knowledge import services as knowledge_services
from presales.knowledge.models import KnowledgeKind, KnowledgeUse
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_use_on_a_deal_is_picked_by_typing(page, live_server, personas):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    item = knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="双活数据中心方案"
    )
    sign_in(page, live_server, "engineer", PASSWORD)
    page.goto(f"{live_server.url}/knowledge/{item.pk}/")
    picker = page.locator(".field:has(select[name=opportunity]) .ts-control")
    picker.click()
    page.keyboard.type("升级")
    option = page.locator(".ts-dropdown .option", has_text="数据中心升级")
    option.wait_for()
    assert "华东银行" in option.inner_text()
    option.click()
    page.click("button:has-text('Record use')")
    page.wait_for_load_state()
    assert KnowledgeUse.objects.get().opportunity == personas.deal
    assert errors == []


def test_deal_list_filter_picks_an_owner_by_typing(page, live_server, personas):
    sign_in(page, live_server, "manager", PASSWORD)
    page.goto(f"{live_server.url}/deals/")
    page.locator(".field:has(select[name=sales_owner]) .ts-control").click()
    page.keyboard.type("Teammate")
    page.locator(".ts-dropdown .option", has_text="Teammate Li").click()
    # The filter form submits itself when its select changes (app.js), as with a plain select.
    page.wait_for_url(f"**/deals/?*sales_owner={personas.teammate.pk}*")
    assert "数据中心升级" not in page.locator("#list-results").inner_text()
