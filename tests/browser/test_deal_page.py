"""The deal page in a real browser (issue 14, item 4), in both languages: what the deal waits on is at the top,
"complete my step" works in place, the secondary sections fold (the close form folded), and a phone has room."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from presales.deals.models import DealStep, StepStatus
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/presales-screenshots")  # noqa: S108 - for a person to look at, never read back


def _my_step(deal, user) -> DealStep:
    return DealStep.objects.filter(opportunity=deal, responsible=user).actionable().order_by("definition__order")[0]


def _is_open(page, selector: str) -> bool:
    return page.locator(selector).evaluate("element => element.open")


@pytest.mark.parametrize(("language", "mark_done"), [("en", "Mark done"), ("zh-hans", "标记完成")])
def test_complete_my_step_in_place_and_the_folded_sections(page, live_server, personas, playbook, language, mark_done):
    personas.owner.language = language
    personas.owner.save(update_fields=["language"])
    deal = personas.deal
    mine = _my_step(deal, personas.owner)
    sign_in(page, live_server, "owner", PASSWORD)
    url = f"{live_server.url}/deals/{deal.pk}/"
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"deal-desktop-{language}.png"), full_page=True)

    # The top of the page: both stages, the next step and its owner, without scrolling.
    summary = page.locator("#deal-summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 300
    text = summary.inner_text()
    with translation.override(language):
        assert deal.stage.vendor in text and deal.stage.customer in text
    assert "Owner Wang" in page.locator("#next-step").inner_text()
    assert "UTC+8" in page.locator("#next-step").inner_text(), "the due date says its time zone"

    # The close form and the history are folded; the summary line unfolds them.
    assert not _is_open(page, "#outcome") and not _is_open(page, "#history")
    close_button = page.locator("#outcome form button[type=submit]")
    assert not close_button.is_visible()
    page.click("#outcome > summary")
    assert close_button.is_visible()
    page.click("#outcome > summary")
    assert not close_button.is_visible()

    # "Add a competitor" unfolds the competitors and their form, and puts the cursor in it.
    assert not _is_open(page, "#competitors")
    page.click("#quick-add-competitor")
    assert _is_open(page, "#competitors") and _is_open(page, "#add-competitor")
    assert page.locator("#add-competitor select[name=competitor]").is_visible()

    # "Complete my step": the step's answer form opens in the bar, and marking it done updates it in place.
    page.click("#complete-my-step a")
    form = page.locator("#complete-my-step form.answer-form")
    form.wait_for()
    form.locator("select[name$=fit]").select_option("good")
    form.locator(f"button:has-text('{mark_done}')").click()
    page.locator("#complete-my-step .step-done").wait_for()
    assert page.url == url, "no page load: the bar changed in place"
    mine.refresh_from_db()
    assert mine.status == StepStatus.DONE and mine.completed_by == personas.owner
    assert mine.answer_choice == "good"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_deal_page_fits_a_phone(phone_page, live_server, personas, playbook, language):
    page = phone_page
    personas.owner.language = language
    personas.owner.save(update_fields=["language"])
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/deals/{personas.deal.pk}/")
    page.wait_for_load_state("networkidle")
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0
    assert page.locator("#deal-quick-actions").is_visible()
    # Every section unfolded and the step's form open: still nothing wider than the phone.
    page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
    page.click("#complete-my-step a")
    page.locator("#complete-my-step form").wait_for()
    assert page.evaluate(overflow) <= 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"deal-phone-{language}.png"), full_page=True)
