"""The stage gate in a real browser (issue 13, item 3): a go/no-go not passed blocks a drag on the board; once it is
passed, moving past the other open steps asks for a reason, which lands in the deal's history."""

import pytest

from presales.playbook.models import Stage
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import pass_go_no_go

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gate_blocks_then_asks_for_a_reason(page, live_server, personas, playbook):
    deal = personas.deal
    target = Stage.objects.get(number=3)
    sign_in(page, live_server, "owner", PASSWORD)

    # Every stage-2 step open, go/no-go included: the drop is refused and says why.
    page.goto(f"{live_server.url}/deals/board/")
    page.drag_and_drop(f"#deal-{deal.pk}", f".column[data-stage='{target.pk}']")
    page.wait_for_url("**/stage/confirm/**")
    gate = page.locator("#stage-gate")
    assert "go/no-go" in gate.inner_text()
    assert gate.locator("textarea[name=reason]").count() == 0
    deal.refresh_from_db()
    assert deal.stage.number == 2

    # The go/no-go passed: the deal page's move asks for a reason, listing the open steps.
    pass_go_no_go(deal)
    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.select_option("#stage select[name=stage]", str(target.pk))
    page.click("#stage button[type=submit]")
    page.wait_for_url("**/stage/confirm/**")
    assert page.locator("#stage-gate tbody tr").count() >= 3
    page.click("#stage-gate button[type=submit]")  # no reason: the form stays, nothing moves
    page.wait_for_url("**/stage/confirm/**")
    deal.refresh_from_db()
    assert deal.stage.number == 2
    page.fill("#stage-gate textarea[name=reason]", "客户要求提前进入方案阶段")
    page.click("#stage-gate button[type=submit]")
    page.wait_for_url(f"**/deals/{deal.pk}/")
    deal.refresh_from_db()
    assert deal.stage == target
    page.click("#history > summary")  # the history is a folded section of the deal page
    assert "客户要求提前进入方案阶段" in page.locator("#history").inner_text()
