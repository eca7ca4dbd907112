"""The accountability board in a real browser: who is late on which step is one click away from each figure."""

import re

import pytest
from django.utils import timezone

from presales.deals.models import DealStep
from presales.playbook.defaults import install_default_playbook
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.test_insights_dashboards import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_overdue_figure_opens_the_late_steps_of_that_person(page, live_server, personas):
    # A transactional test before this one may have flushed the default playbook (the data migration's rows): the
    # deals make_world creates need it for their checklists (two steps of each stage-2 deal are overdue).
    install_default_playbook(PlaybookVersion, StepDefinition, Stage)
    make_world(personas, copies=1)
    sign_in(page, live_server, "manager", PASSWORD)
    page.goto(f"{live_server.url}/deals/accountability/")
    row = page.locator("tr[data-person]").filter(has=page.locator("a.badge-danger")).first
    person_id = int(row.get_attribute("data-person"))
    figure = row.locator("a.badge-danger")
    expected = int(figure.get_attribute("data-count"))
    assert expected == int(figure.inner_text())
    figure.click()
    page.wait_for_url(re.compile(r".*/deals/steps/\?.*state=overdue.*"))
    assert f"responsible={person_id}" in page.url
    rows = page.locator("#step-table tbody tr")
    assert rows.count() == expected
    late = DealStep.objects.overdue(timezone.localdate())
    names = {str(step.responsible) for step in late.filter(responsible_id=person_id).select_related("responsible")}
    for index in range(rows.count()):
        text = rows.nth(index).inner_text()
        assert "overdue" in text
        assert any(name in text for name in names)
    # Back on the board, the headline's overdue figure opens every late step.
    page.go_back()
    headline = page.locator(".stats a[href*='state=overdue']")
    total = int(headline.get_attribute("data-count"))
    headline.click()
    page.wait_for_url(re.compile(r".*state=overdue.*"))
    assert page.locator(".result-count").inner_text().startswith(str(total))
