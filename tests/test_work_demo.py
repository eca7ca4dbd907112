"""The demo company includes presales work: activities and support requests in several statuses."""

import io

import pytest

from presales.core import demo
from presales.work.models import Activity, RequestStatus, SupportRequest


@pytest.mark.django_db
def test_small_demo_has_activities_and_requests_in_several_statuses():
    ctx = demo.generate("small", seed=7, stdout=io.StringIO(), stderr=None)
    assert ctx.counts["activities"] == Activity.objects.count() > 0
    statuses = set(SupportRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.NEW, RequestStatus.TRIAGED, RequestStatus.ACCEPTED} <= statuses
    # The demo sales rep's request waits in the presales manager's queue.
    assert SupportRequest.objects.filter(requester__username="sales", status=RequestStatus.NEW).exists()
