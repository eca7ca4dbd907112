"""The demo company includes presales work: activities and support requests in several statuses."""

import pytest

from presales.work.models import Activity, RequestStatus, SupportRequest, WorkType


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_small_demo_has_activities_and_requests_in_several_statuses(small_demo):
    # Every activity is counted: the work generator's and the scorecards' last-month visits.
    assert small_demo.ctx.counts["activities"] == Activity.objects.count() > 0
    assert Activity.objects.filter(kind=WorkType.ON_SITE_VISIT).count() >= small_demo.ctx.counts["visits"] > 0
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.NEW, RequestStatus.TRIAGED, RequestStatus.ACCEPTED} <= statuses
    # The demo sales rep's request waits in the presales manager's queue.
    assert SupportRequest.objects.filter(requester__username="sales", status=RequestStatus.NEW).exists()
