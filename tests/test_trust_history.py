"""History a person can read (issue 13, item 8): labels instead of stored values, the reader's time zone and language;
a POC's status follows its results and every result is in its history."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from presales.bids import services as bids
from presales.bids.models import CriterionResult, Poc, PocOutcome, PocStatus
from presales.core.history import history_entries
from presales.work import services as work
from presales.work.models import SupportRequest
from tests.factories.bids import make_poc
from tests.factories.work import make_support_request

pytestmark = pytest.mark.django_db


def _history_section(page: str) -> str:
    start = page.index('id="history"')
    return page[start : page.index("</section>", start)]


def _triaged_request(personas) -> SupportRequest:
    support = make_support_request(personas)
    return work.request_triage(
        actor=personas.presales_manager, request=support, assignee=personas.engineer, recommendation="schedule"
    )


@pytest.mark.parametrize(
    ("language", "label", "tz"),
    [("en", "Presales duty: schedule it", "America/New_York"), ("zh-hans", "售前职责：安排计划", "Europe/Berlin")],
)
def test_request_history_shows_labels_and_local_time(personas, login, language, label, tz):
    support = _triaged_request(personas)
    personas.owner.language, personas.owner.timezone = language, tz
    personas.owner.save(update_fields=["language", "timezone"])
    page = login(personas.owner).get(reverse("work:request_detail", args=[support.pk])).content.decode()
    history = _history_section(page)
    assert label in history
    assert "— schedule" not in history and ">schedule<" not in history
    assert "+00:00" not in history and "064033" not in history
    with translation.override(language):
        local = timezone.localtime(support.triaged_at, zoneinfo.ZoneInfo(tz))
        assert formats.date_format(local, "SHORT_DATETIME_FORMAT") in history


def test_history_names_related_rows_and_choices(personas):
    support = _triaged_request(personas)
    with translation.override("zh-hans"):
        changes = {c.label: c.new for entry in history_entries(support) for c in entry.changes}
    assert changes["建议"] == "售前职责：安排计划"
    assert changes["工程师"] == str(personas.engineer)


def _poc(personas, criteria=2):
    poc = make_poc(personas)
    for index in range(criteria):
        bids.poc_criterion_add(actor=personas.engineer, poc=poc, title=f"准则 {index + 1}")
    return poc


@pytest.mark.parametrize(
    ("results", "outcome"),
    [
        (["passed", "passed"], PocOutcome.PASSED),
        (["failed", "failed"], PocOutcome.FAILED),
        (["passed", "failed"], PocOutcome.PARTLY),
        (["partly", "passed"], PocOutcome.PARTLY),
    ],
)
def test_poc_status_follows_its_results(personas, results, outcome):
    poc = _poc(personas)
    criteria = list(poc.criteria.order_by("pk"))
    bids.poc_criterion_record(actor=personas.engineer, criterion=criteria[0], result=results[0])
    poc.refresh_from_db()
    assert (poc.status, poc.outcome) == (PocStatus.RUNNING, PocOutcome.PENDING)
    bids.poc_criterion_record(actor=personas.engineer, criterion=criteria[1], result=results[1])
    poc.refresh_from_db()
    assert (poc.status, poc.outcome) == (PocStatus.COMPLETED, outcome)
    # A result taken back: the POC is running again, its outcome pending.
    bids.poc_criterion_record(actor=personas.engineer, criterion=criteria[1], result=CriterionResult.PENDING)
    poc.refresh_from_db()
    assert (poc.status, poc.outcome) == (PocStatus.RUNNING, PocOutcome.PENDING)


def test_a_cancelled_poc_stays_cancelled(personas):
    poc = _poc(personas, criteria=1)
    bids.poc_update(actor=personas.engineer, poc=poc, expected_version=None, status=PocStatus.CANCELLED)
    bids.poc_criterion_record(actor=personas.engineer, criterion=poc.criteria.get(), result="passed")
    assert Poc.objects.get(pk=poc.pk).status == PocStatus.CANCELLED


def test_every_result_is_in_the_poc_history(personas, login, django_assert_max_num_queries):
    poc = _poc(personas)
    first, second = poc.criteria.order_by("pk")
    bids.poc_criterion_record(actor=personas.engineer, criterion=first, result="passed", notes="RTO 12s")
    bids.poc_criterion_record(actor=personas.engineer, criterion=second, result="failed")
    client = login(personas.engineer)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("bids:poc_detail", args=[poc.pk])).content.decode()
    history = _history_section(page)
    assert "准则 1: " in history and "准则 2: " in history
    assert "RTO 12s" in history and "Passed" in history and "Failed" in history
    assert "Partly passed" in history and "Completed" in history  # the POC's own outcome and status moved
    assert "follows the results of its success criteria" in history
