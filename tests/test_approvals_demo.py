"""The demo company has one approval flow of each kind, decisions made (approved and rejected, with comments) and
requests waiting, a delegation, and something in the demo approvers' "waiting for me"."""

import pytest

from presales.approvals import selectors
from presales.approvals.models import (
    ApprovalDelegation,
    ApprovalFlow,
    ApprovalKind,
    ApprovalRequest,
    ApprovalTask,
    RequestStatus,
    TaskStatus,
)
from presales.people.models import User


@pytest.mark.django_db
@pytest.mark.xdist_group("demo")
def test_small_demo_has_flows_decisions_and_waiting_requests(small_demo):
    assert set(ApprovalFlow.objects.values_list("kind", flat=True)) == set(ApprovalKind.values)
    assert ApprovalFlow.objects.count() == len(ApprovalKind.values)
    statuses = set(ApprovalRequest.objects.values_list("status", flat=True))
    assert statuses == {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.PENDING}
    assert small_demo.ctx.counts["approval requests"] == ApprovalRequest.objects.count()
    # Every decision carries its comment; every rejection says why.
    decided = ApprovalTask.objects.filter(status__in=[TaskStatus.APPROVED, TaskStatus.REJECTED])
    assert decided.exists() and not decided.filter(comment="").exists()
    # Each kind has at least one request.
    assert set(ApprovalRequest.objects.values_list("kind", flat=True)) == set(ApprovalKind.values)
    # The presales director is away: 张伟 (presales) stands in, and something waits for somebody.
    assert ApprovalDelegation.objects.filter(approver__username="presalesmgr", delegate__username="presales").exists()
    waiting = sum(
        selectors.waiting_count(user) for user in User.objects.filter(approval_tasks__isnull=False).distinct()
    )
    assert waiting > 0
    assert ApprovalRequest.objects.filter(requested_by__username="sales").exists()
