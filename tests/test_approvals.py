"""Approvals (issue 19, item 2): flows hold playbook steps until approved; sequence and parallel approvers;
delegation; who may request and decide; the pages, the notification link, the deal's history and the query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from presales import access
from presales.approvals import selectors, services
from presales.approvals.models import (
    ApprovalFlow,
    ApprovalKind,
    ApprovalMode,
    ApprovalRequest,
    ApprovalTask,
    RequestStatus,
    TaskStatus,
)
from presales.approvals.services import ApproverSpec
from presales.deals import services as deal_services
from presales.deals.models import DealStep, Opportunity, StepStatus
from presales.notifications import targets
from presales.notifications.models import Notification
from presales.people.models import Role
from presales.playbook.models import Stage
from tests.factories import OpportunityFactory, UserFactory, pass_go_no_go

pytestmark = pytest.mark.django_db

GO = {"decision": "go", "investment": "normal", "reason": "值得投入"}


def _flow(personas, kind=ApprovalKind.GO_NO_GO, mode=ApprovalMode.SEQUENCE, approvers=None, **conditions):
    return services.approval_flow_create(
        actor=personas.admin,
        approvers=approvers or [ApproverSpec(role=Role.SALES_MANAGER)],
        name=f"{kind} flow",
        kind=kind,
        mode=mode,
        **conditions,
    )


def _step(deal, key):
    return DealStep.objects.select_related("opportunity", "definition").get(opportunity=deal, definition__key=key)


def _deal(personas):
    return Opportunity.objects.get(pk=personas.deal.pk)


def _task(request, approver):
    return ApprovalTask.objects.get(request=request, approver=approver)


# --- the gate ------------------------------------------------------------------------------------------------------


def test_go_no_go_waits_for_the_approval(personas):
    _flow(personas)
    step = _step(personas.deal, "go_no_go")
    with pytest.raises(ValidationError, match="waits for approval"):
        deal_services.deal_step_complete(actor=personas.owner, step=step, answer=GO)
    request = services.approval_request_create(
        actor=personas.owner, opportunity=personas.deal, step_key="go_no_go", comment="客户预算已批"
    )
    with pytest.raises(ValidationError, match="waits for the approval requested"):
        deal_services.deal_step_complete(actor=personas.owner, step=_step(personas.deal, "go_no_go"), answer=GO)
    services.approval_decide(
        actor=personas.manager, task=_task(request, personas.manager), approve=True, comment="同意"
    )
    done = deal_services.deal_step_complete(actor=personas.owner, step=_step(personas.deal, "go_no_go"), answer=GO)
    assert done.status == StepStatus.DONE


def test_discount_above_the_threshold_cannot_reach_the_quote_step_until_approved(personas):
    _flow(personas, kind=ApprovalKind.QUOTE, min_discount_percent=Decimal("15"))
    pass_go_no_go(personas.deal)
    stage5 = Stage.objects.get(number=5)
    deal = _deal(personas)
    deal_services.opportunity_update(
        actor=personas.owner, opportunity=deal, expected_version=None, discount_percent=Decimal("25")
    )

    # Moving past the final quote's stage is refused, whatever the reason; so is completing or skipping the step.
    with pytest.raises(deal_services.StageGateHeld, match="waits for approval"):
        deal_services.opportunity_change_stage(
            actor=personas.owner,
            opportunity=_deal(personas),
            stage=Stage.objects.get(number=6),
            expected_version=None,
            reason="客户催促",
        )
    quote = _step(personas.deal, "final_quote")
    with pytest.raises(ValidationError, match="waits for approval"):
        deal_services.deal_step_complete(actor=personas.owner, step=quote, answer={"amount": Decimal("900000")})
    with pytest.raises(ValidationError, match="waits for approval"):
        deal_services.deal_step_set_status(actor=personas.owner, step=quote, status=StepStatus.SKIPPED, reason="x")
    # The stage before it is reachable: the hold is on the quote step only.
    moved = deal_services.opportunity_change_stage(
        actor=personas.owner, opportunity=_deal(personas), stage=stage5, expected_version=None, reason="提前"
    )
    assert moved.stage == stage5

    request = services.approval_request_create(
        actor=personas.owner, opportunity=_deal(personas), step_key="final_quote"
    )
    assert request.discount_percent == Decimal("25")
    services.approval_decide(actor=personas.manager, task=_task(request, personas.manager), approve=True)
    done = deal_services.deal_step_complete(
        actor=personas.owner, step=_step(personas.deal, "final_quote"), answer={"amount": Decimal("900000")}
    )
    assert done.status == StepStatus.DONE


def test_a_discount_at_or_below_the_threshold_needs_no_approval(personas):
    _flow(personas, kind=ApprovalKind.QUOTE, min_discount_percent=Decimal("15"))
    deal = _deal(personas)
    deal_services.opportunity_update(
        actor=personas.owner, opportunity=deal, expected_version=None, discount_percent=Decimal("15")
    )
    assert selectors.step_holds(deal.pk, ["final_quote"]) == []


def test_an_approval_covers_its_discount_not_a_deeper_one(personas):
    _flow(personas, kind=ApprovalKind.QUOTE, min_discount_percent=Decimal("10"))
    deal = _deal(personas)
    deal = deal_services.opportunity_update(
        actor=personas.owner, opportunity=deal, expected_version=None, discount_percent=Decimal("12")
    )
    request = services.approval_request_create(actor=personas.owner, opportunity=deal, step_key="final_quote")
    services.approval_decide(actor=personas.manager, task=_task(request, personas.manager), approve=True)
    assert selectors.step_holds(deal.pk, ["final_quote"]) == []
    deal_services.opportunity_update(
        actor=personas.owner, opportunity=_deal(personas), expected_version=None, discount_percent=Decimal("20")
    )
    [hold] = selectors.step_holds(deal.pk, ["final_quote"])
    assert "20" in hold.message and hold.action_url.endswith("/final_quote/request/")


def test_conditions_amount_and_industry(personas):
    flow = _flow(personas, kind=ApprovalKind.RISK, min_amount=Decimal("1000000"), industries=["finance"])
    deal = _deal(personas)
    deal.account.industry = "finance"
    deal.account.save(update_fields=["industry"])
    deal = deal_services.opportunity_update(
        actor=personas.owner, opportunity=deal, expected_version=None, amount=Decimal("999999")
    )
    assert selectors.flow_for(_deal(personas), "risk_assessment") is None
    deal_services.opportunity_update(
        actor=personas.owner, opportunity=deal, expected_version=None, amount=Decimal("1000000")
    )
    assert selectors.flow_for(_deal(personas), "risk_assessment") == flow
    deal.account.industry = "education"
    deal.account.save(update_fields=["industry"])
    assert selectors.flow_for(_deal(personas), "risk_assessment") is None


def test_no_flow_no_hold_and_no_request(personas):
    assert selectors.step_holds(personas.deal.pk, ["go_no_go", "poc"]) == []
    with pytest.raises(ValidationError, match="No approval flow"):
        services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")


# --- rejection, sequence, parallel ---------------------------------------------------------------------------------


def test_rejection_records_its_comment_and_the_step_stays_held(personas, login):
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    with pytest.raises(ValidationError):
        services.approval_decide(actor=personas.manager, task=_task(request, personas.manager), approve=False)
    services.approval_decide(
        actor=personas.manager, task=_task(request, personas.manager), approve=False, comment="竞争对手已锁定客户"
    )
    request.refresh_from_db()
    task = _task(request, personas.manager)
    assert request.status == RequestStatus.REJECTED and task.comment == "竞争对手已锁定客户"
    assert task.history.filter(comment="竞争对手已锁定客户", history_user=personas.manager).exists()
    [hold] = selectors.step_holds(personas.deal.pk, ["go_no_go"])
    assert "rejected" in hold.message
    # The requester is told, with the comment; the deal's approvals panel shows it.
    told = Notification.objects.get(recipient=personas.owner, kind="approval_decided")
    assert "竞争对手已锁定客户" in told.text and told.variant == "rejected"
    panel = login(personas.owner).get(reverse("approvals:deal_panel", args=[personas.deal.pk]))
    assert "竞争对手已锁定客户" in panel.content.decode()


def test_sequence_asks_one_after_another(personas):
    _flow(personas, approvers=[ApproverSpec(role=Role.SALES_MANAGER), ApproverSpec(user=personas.presales_manager)])
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    first, second = request.tasks.order_by("order")
    assert (first.approver, first.status) == (personas.manager, TaskStatus.PENDING)
    assert (second.approver, second.status) == (personas.presales_manager, TaskStatus.QUEUED)
    assert not access.can_decide_approval(personas.presales_manager, second)
    assert list(selectors.tasks_waiting_for(personas.presales_manager)) == []
    assert not Notification.objects.filter(recipient=personas.presales_manager).exists()

    services.approval_decide(actor=personas.manager, task=first, approve=True, comment="ok")
    second.refresh_from_db()
    request.refresh_from_db()
    assert second.status == TaskStatus.PENDING and request.status == RequestStatus.PENDING
    assert Notification.objects.filter(recipient=personas.presales_manager, kind="approval_requested").exists()
    services.approval_decide(actor=personas.presales_manager, task=second, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.decided_at is not None


def _parallel_request(personas):
    """The deal's go/no-go asked of the sales and the presales manager at once."""
    _flow(
        personas,
        mode=ApprovalMode.PARALLEL,
        approvers=[ApproverSpec(role=Role.SALES_MANAGER), ApproverSpec(role=Role.PRESALES_MANAGER)],
    )
    return services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")


def test_parallel_asks_everyone_and_one_rejection_ends_it(personas):
    request = _parallel_request(personas)
    assert set(request.tasks.values_list("status", flat=True)) == {TaskStatus.PENDING}
    assert Notification.objects.filter(kind="approval_requested").count() == 2
    services.approval_decide(
        actor=personas.presales_manager, task=_task(request, personas.presales_manager), approve=True
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    services.approval_decide(
        actor=personas.manager, task=_task(request, personas.manager), approve=False, comment="投入过大"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED


def test_parallel_all_approve(personas):
    request = _parallel_request(personas)
    services.approval_decide(actor=personas.manager, task=_task(request, personas.manager), approve=True)
    services.approval_decide(
        actor=personas.presales_manager, task=_task(request, personas.presales_manager), approve=True
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_roles_resolve_to_the_managers_over_the_deal(personas):
    # The personas' deal is in the East sales team (manager: Manager Ma) and led by the presales team (Pan).
    flow = _flow(personas, approvers=[ApproverSpec(role=Role.PRESALES_MANAGER), ApproverSpec(role=Role.SALES_MANAGER)])
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    assert [t.approver for t in request.tasks.order_by("order")] == [personas.presales_manager, personas.manager]
    assert flow.requests.count() == 1


# --- delegation ----------------------------------------------------------------------------------------------------


def _manager_away(personas, *, actor, days: tuple[int, int], **extra):
    """The sales manager's approvals delegated to the teammate, from and to these days counted from today."""
    today = timezone.localdate()
    return services.approval_delegation_create(
        actor=actor,
        approver=personas.manager,
        delegate=personas.teammate,
        starts_on=today + datetime.timedelta(days=days[0]),
        ends_on=today + datetime.timedelta(days=days[1]),
        **extra,
    )


def test_a_delegate_decides_while_the_approver_is_away(personas):
    _flow(personas)
    _manager_away(personas, actor=personas.manager, days=(-1, 5), note="年假")
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    task = _task(request, personas.manager)
    # The delegate is told (as standing in) and sees the task in "waiting for me".
    told = Notification.objects.get(recipient=personas.teammate, kind="approval_requested")
    assert told.variant == "delegate"
    assert list(selectors.tasks_waiting_for(personas.teammate)) == [task]
    services.approval_decide(actor=personas.teammate, task=task, approve=True, comment="代批")
    task.refresh_from_db()
    assert task.decided_by == personas.teammate and task.decided_as_delegate
    # Nobody decides twice: the approver cannot decide it again.
    assert not access.can_decide_approval(personas.manager, task)
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=personas.manager, task=task, approve=False, comment="no")


def test_a_delegation_outside_its_dates_gives_nothing(personas):
    _flow(personas)
    _manager_away(personas, actor=personas.admin, days=(3, 5))
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    assert not access.can_decide_approval(personas.teammate, _task(request, personas.manager))
    assert list(selectors.tasks_waiting_for(personas.teammate)) == []


def test_only_the_approver_or_an_admin_sets_a_delegation(personas):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.approval_delegation_create(
            actor=personas.owner, approver=personas.manager, delegate=personas.owner, starts_on=today, ends_on=today
        )
    with pytest.raises(ValidationError):
        services.approval_delegation_create(
            actor=personas.manager, approver=personas.manager, delegate=personas.manager, starts_on=today, ends_on=today
        )


def test_ending_a_delegation(personas):
    today = timezone.localdate()
    delegation = _manager_away(personas, actor=personas.manager, days=(-3, 3))
    ended = services.approval_delegation_end(actor=personas.manager, delegation=delegation)
    assert ended.ends_on < today
    assert not access.delegators_of(personas.teammate).exists()


# --- access --------------------------------------------------------------------------------------------------------


def test_who_may_request(personas):
    _flow(personas)
    with pytest.raises(PermissionDenied):
        services.approval_request_create(actor=personas.outsider, opportunity=personas.deal, step_key="go_no_go")
    services.approval_request_create(actor=personas.engineer, opportunity=personas.deal, step_key="go_no_go")
    with pytest.raises(ValidationError, match="already waiting"):
        services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")


def test_only_the_current_approver_decides_once(personas):
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    task = _task(request, personas.manager)
    for person in (personas.owner, personas.outsider, personas.presales_manager, personas.admin):
        with pytest.raises(PermissionDenied):
            services.approval_decide(actor=person, task=task, approve=True)
    services.approval_decide(actor=personas.manager, task=task, approve=True)
    with pytest.raises(PermissionDenied):  # decided: cannot be decided again
        services.approval_decide(actor=personas.manager, task=task, approve=False, comment="改主意")


def test_flows_are_edited_by_admins_and_managers_only(personas, login):
    with pytest.raises(PermissionDenied):
        _flow(type("P", (), {"admin": personas.owner})())
    assert login(personas.owner).get(reverse("approvals:flow_list")).status_code == 403
    assert login(personas.manager).get(reverse("approvals:flow_list")).status_code == 200


def test_outsider_cannot_see_a_request_or_the_panel(personas, login):
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    outsider = login(personas.outsider)
    assert outsider.get(reverse("approvals:detail", args=[request.pk])).status_code == 404
    assert outsider.get(reverse("approvals:deal_panel", args=[personas.deal.pk])).status_code == 404
    task = _task(request, personas.manager)
    assert outsider.post(reverse("approvals:decide", args=[task.pk]), {"decision": "approve"}).status_code == 404
    assert outsider.get(reverse("approvals:request_create", args=[personas.deal.pk, "go_no_go"])).status_code == 404


def test_signed_out_the_notification_link_goes_to_sign_in(personas, client):
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    link = targets.link_for("approval_request", request.pk)
    assert link == reverse("approvals:detail", args=[request.pk])
    response = client.get(link)
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_request_from_the_step_and_decide_from_the_page(personas, login):
    _flow(personas)
    step = _step(personas.deal, "go_no_go")
    owner = login(personas.owner)
    page = owner.get(reverse("deals:step", args=[step.pk]))
    assert page.context["hold"] is not None
    request_url = reverse("approvals:request_create", args=[personas.deal.pk, "go_no_go"])
    assert request_url in page.content.decode()
    response = owner.post(request_url, {"comment": "客户高层已表态"})
    request = ApprovalRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()

    manager = login(personas.manager)
    detail = manager.get(request.get_absolute_url())
    assert detail.context["my_task"] is not None and "客户高层已表态" in detail.content.decode()
    task = _task(request, personas.manager)
    # A rejection without a comment stays on the page with the error.
    refused = manager.post(reverse("approvals:decide", args=[task.pk]), {"decision": "reject", "version": task.version})
    assert refused.status_code == 200 and refused.context["form"].errors["comment"]
    approved = manager.post(
        reverse("approvals:decide", args=[task.pk]), {"decision": "approve", "comment": "同意", "version": task.version}
    )
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    # The owner's view of the request: no decision form for them.
    assert owner.get(request.get_absolute_url()).context["my_task"] is None


def test_inbox_count_equals_its_rows_and_the_navigation_figure(personas, login):
    _flow(personas)
    deals = [personas.deal] + [
        OpportunityFactory(account=personas.account, sales_owner=personas.owner) for _ in range(2)
    ]
    for deal in deals:
        services.approval_request_create(actor=personas.owner, opportunity=deal, step_key="go_no_go")
    manager = login(personas.manager)
    page = manager.get(reverse("approvals:inbox"))
    assert page.context["waiting_count"] == len(page.context["waiting"]) == 3
    nav = {item["key"]: item for item in page.context["nav_items"]}
    assert nav["approvals"]["count"] == 3
    mine = login(personas.owner).get(reverse("approvals:inbox") + "?tab=mine")
    assert mine.context["mine_count"] == len(mine.context["mine"]) == 3


def test_pages_query_counts_do_not_grow(personas, login, django_assert_max_num_queries):
    _flow(personas, approvers=[ApproverSpec(role=Role.SALES_MANAGER), ApproverSpec(user=personas.presales_manager)])
    manager = login(personas.manager)
    owner = login(personas.owner)

    def pages():
        for client, url in (
            (manager, reverse("approvals:inbox")),
            (owner, reverse("approvals:inbox") + "?tab=mine"),
            (owner, reverse("approvals:deal_panel", args=[personas.deal.pk])),
            (manager, reverse("approvals:flow_list")),
        ):
            assert client.get(url).status_code == 200

    for _ in range(5):
        deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
        services.approval_request_create(actor=personas.owner, opportunity=deal, step_key="go_no_go")
    services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    with django_assert_max_num_queries(80):
        pages()
    for _ in range(10):
        deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
        services.approval_request_create(actor=personas.owner, opportunity=deal, step_key="go_no_go")
    with django_assert_max_num_queries(80):
        pages()


def test_each_page_bounded(personas, login, django_assert_max_num_queries):
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    manager = login(personas.manager)
    with django_assert_max_num_queries(30):
        assert manager.get(reverse("approvals:inbox")).status_code == 200
    with django_assert_max_num_queries(30):
        assert manager.get(request.get_absolute_url()).status_code == 200


def test_flow_page_creates_and_edits_a_flow_with_approvers(personas, login):
    admin = login(personas.admin)
    response = admin.post(
        reverse("approvals:flow_create"),
        {
            "name": "大额折扣审批",
            "kind": "quote",
            "step_key": "",
            "mode": "parallel",
            "min_amount": "500000",
            "industries": ["finance", "government"],
            "min_discount_percent": "10",
            "is_active": "on",
            "approvers-TOTAL_FORMS": "3",
            "approvers-INITIAL_FORMS": "0",
            "approvers-0-role": "sales_manager",
            "approvers-1-user": str(personas.presales_manager.pk),
            "approvers-2-role": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    flow = ApprovalFlow.objects.get(name="大额折扣审批")
    assert flow.step_key == "final_quote" and flow.industries == ["finance", "government"]
    assert [(a.role, a.user) for a in flow.approvers.all()] == [
        ("sales_manager", None),
        ("", personas.presales_manager),
    ]
    edit = admin.get(reverse("approvals:flow_edit", args=[flow.pk]))
    assert edit.status_code == 200
    response = admin.post(
        reverse("approvals:flow_edit", args=[flow.pk]),
        {
            "version": flow.version,
            "name": "大额折扣审批",
            "kind": "quote",
            "step_key": "final_quote",
            "mode": "sequence",
            "min_amount": "",
            "min_discount_percent": "20",
            "approvers-TOTAL_FORMS": "1",
            "approvers-INITIAL_FORMS": "0",
            "approvers-0-role": "admin",
        },
    )
    assert response.status_code == 302
    flow.refresh_from_db()
    assert flow.mode == "sequence" and flow.min_amount is None and not flow.is_active
    assert [a.role for a in flow.approvers.all()] == ["admin"]
    assert flow.history.count() >= 2


def test_delegation_page(personas, login):
    manager = login(personas.manager)
    today = timezone.localdate()
    response = manager.post(
        reverse("approvals:delegations"),
        {
            "delegate": personas.teammate.pk,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "note": "出差",
        },
    )
    assert response.status_code == 302
    page = manager.get(reverse("approvals:delegations"))
    assert len(page.context["delegations"]) == 1
    assert login(personas.teammate).get(reverse("approvals:delegations")).context["delegations"][0].note == "出差"
    assert login(personas.outsider).get(reverse("approvals:delegations")).context["delegations"] == []


def test_stage_move_page_says_the_step_waits_for_approval(personas, login):
    _flow(personas, kind=ApprovalKind.POC)
    pass_go_no_go(personas.deal)
    owner = login(personas.owner)
    deal = _deal(personas)
    stage5 = Stage.objects.get(number=5)
    response = owner.post(
        reverse("deals:move_stage", args=[deal.pk]), {"stage": stage5.pk, "version": deal.version, "next": "/"}
    )
    page = owner.get(response["Location"])
    assert page.context["gate"].held and "waits for approval" in page.content.decode()
    assert _deal(personas).stage.number == 2


def test_an_inactive_role_holder_is_skipped_for_the_next_active_one(personas):
    personas.manager.is_active = False
    personas.manager.save(update_fields=["is_active"])
    other = UserFactory(role=Role.SALES_MANAGER)
    _flow(personas)
    request = services.approval_request_create(actor=personas.owner, opportunity=personas.deal, step_key="go_no_go")
    assert request.tasks.get().approver == other
