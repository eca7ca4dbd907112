"""Issue 2's journey in a real browser: sign in, create an account and an opportunity, move it on the
kanban, and find the move in its history; then the same pages on a phone in Chinese."""

import datetime

import pytest
from django.utils import timezone

from presales.deals.models import Opportunity
from presales.playbook.models import Stage
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import pass_go_no_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_account_and_deal_then_move_it_on_the_board(page, live_server, personas, playbook):
    sign_in(page, live_server, "owner", PASSWORD)

    page.goto(f"{live_server.url}/accounts/new/")
    page.fill("input[name=name]", "苏州工业园区管委会")
    page.select_option("select[name=industry]", "government")
    page.select_option("select[name=region]", "east")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/accounts/*/")
    assert "苏州工业园区管委会" in page.locator("h1").inner_text()

    page.click("a:has-text('New opportunity')")
    page.fill("input[name=name]", "园区数据中心升级")
    page.fill("input[name=amount]", "3200000")
    close = timezone.localdate() + datetime.timedelta(days=90)
    page.fill("input[name=expected_close_date]", close.isoformat())
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/deals/*/")
    deal = Opportunity.objects.get(name="园区数据中心升级")
    assert deal.account.name == "苏州工业园区管委会"

    # Move it on the board with the card's own stage picker (the drag-and-drop path posts the same form). The
    # go/no-go is passed; the other stage-2 steps are open, so the stage gate asks for a reason first.
    pass_go_no_go(deal)
    target = Stage.objects.get(number=3)
    page.goto(f"{live_server.url}/deals/board/")
    card = page.locator(f"#deal-{deal.pk}")
    card.locator("select[name=stage]").select_option(str(target.pk))
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/stage/confirm/**")
    page.fill("#stage-gate textarea[name=reason]", "客户提前立项")
    page.click("#stage-gate button[type=submit]")
    page.locator(f".column[data-stage='{target.pk}'] #deal-{deal.pk}").wait_for()
    deal.refresh_from_db()
    assert deal.stage == target

    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.click("#history > summary")  # the history is a folded section of the deal page
    history = page.locator("#history")
    assert target.label in history.inner_text()


def test_drag_and_drop_moves_a_card(page, live_server, personas, playbook):
    sign_in(page, live_server, "owner", PASSWORD)
    deal = personas.deal
    pass_go_no_go(deal)
    target = Stage.objects.get(number=4)
    page.goto(f"{live_server.url}/deals/board/")
    page.drag_and_drop(f"#deal-{deal.pk}", f".column[data-stage='{target.pk}']")
    # Dropped past open steps: the gate's confirmation, then back on the board with the card moved.
    page.wait_for_url("**/stage/confirm/**")
    page.fill("#stage-gate textarea[name=reason]", "Customer asked us to skip ahead")
    page.click("#stage-gate button[type=submit]")
    page.locator(f".column[data-stage='{target.pk}'] #deal-{deal.pk}").wait_for()
    deal.refresh_from_db()
    assert deal.stage == target


def test_phone_in_chinese_shows_the_deal_and_the_board(phone_page, live_server, personas):
    page = phone_page
    sign_in(page, live_server, "owner", PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{live_server.url}/deals/{personas.deal.pk}/")
    assert "数据中心升级" in page.locator("h1").inner_text()
    # Nothing on the page is wider than the phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.goto(f"{live_server.url}/deals/board/")
    assert page.locator(f"#deal-{personas.deal.pk}").is_visible()
