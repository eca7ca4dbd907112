"""Issue 4's demo journey in a real browser: a sales rep asks presales for help on a deal, the presales manager
triages it with the three looks and accepts with a plan, the engineer logs the work and marks it done, and the
sales rep sees it done."""

from __future__ import annotations

import pytest

from presales.work.models import RequestStatus, SupportRequest
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username, PASSWORD)


def test_request_triage_plan_work_and_done(page, live_server, personas):
    # A key account: the request cannot be refused, so a request the engineer cannot fit gets a plan.
    personas.account.is_key_account = True
    personas.account.save()
    deal = personas.deal

    # 1. The sales rep asks for help from the deal page.
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    page.click("#deal-ask-presales")
    page.wait_for_url("**/work/requests/new/**")
    assert page.locator("select[name=opportunity]").input_value() == str(deal.pk)
    page.select_option("select[name=kind]", "bid_document")
    page.fill("textarea[name=description]", "Write the technical bid chapter for the data centre")
    page.fill("input[name=estimate_hours]", "200")
    page.fill("textarea[name=win_rate_answer]", "Without a strong technical chapter we lose the tender.")
    page.fill("input[name=expected_uplift]", "15")
    page.click("button:has-text('Send request')")
    page.wait_for_url("**/work/requests/*/")
    support = SupportRequest.objects.get()
    assert support.requester == personas.owner and support.status == RequestStatus.NEW

    # 2. The presales manager opens the triage page: three looks with reasons, suggested engineers.
    switch_to(page, live_server, "psm")
    page.goto(f"{live_server.url}/work/requests/{support.pk}/?engineer={personas.engineer.pk}")
    looks = page.locator("#three-looks")
    assert "Accept with a plan" in page.locator("#recommendation").inner_text()
    text = looks.inner_text()
    assert "Time:" in text and "The person: the account is a key account." in text
    suggestions = page.locator("#suggestions li")
    assert suggestions.count() >= 1 and "Engineer Zhao" in page.locator("#suggestions").inner_text()
    page.select_option("form:has(button:has-text('Mark triaged')) select[name=assignee]", str(personas.engineer.pk))
    page.click("button:has-text('Mark triaged')")
    page.locator("#decision-form").wait_for()
    form = page.locator("#decision-form")
    assert form.locator("select[name=decision]").input_value() == "accepted_with_plan"
    form.locator("select[name=assignee]").select_option(str(personas.engineer.pk))
    if not form.locator("textarea[name=plan]").input_value().strip():
        form.locator("textarea[name=plan]").fill("Move the training to next month; Li helps with storage.")
    form.locator("button[type=submit]").click()
    page.locator("#request-status:has-text('Accepted with a plan')").wait_for()
    support.refresh_from_db()
    assert support.status == RequestStatus.ACCEPTED_WITH_PLAN and support.decided_by == personas.presales_manager

    # 3. The engineer starts, logs the work in a few clicks with the quick log, and marks it done.
    switch_to(page, live_server, "engineer")
    page.goto(f"{live_server.url}/work/requests/{support.pk}/")
    page.click("button:has-text('Start the work')")
    page.locator("#request-status:has-text('In progress')").wait_for()
    page.click("a:has-text('Log work on it')")
    page.wait_for_url("**/work/activities/new/**")
    assert page.locator("select[name=kind]").input_value() == "bid_document"
    page.fill("input[name=hours]", "6")
    page.fill("textarea[name=outcome]", "Technical chapter drafted")
    page.click("form.quick-log button[type=submit]")
    page.wait_for_url(f"**/deals/{deal.pk}/")
    assert "Technical chapter drafted" in page.locator("#deal-work").inner_text()
    assert support.activities.get().hours == 6
    page.goto(f"{live_server.url}/work/requests/{support.pk}/")
    page.click("button:has-text('Mark done')")
    page.locator("#request-status:has-text('Done')").wait_for()

    # 4. The sales rep sees it done: on the request and in their notifications.
    switch_to(page, live_server, "owner")
    page.goto(f"{live_server.url}/work/requests/{support.pk}/")
    assert page.locator("#request-status").inner_text() == "Done"
    assert "Engineer Zhao" in page.locator("#request-assignee").inner_text()
    page.goto(f"{live_server.url}/notifications/")
    assert "Done:" in page.locator("table").inner_text()
