"""Approvals in a real browser (issue 19, item 2): the go/no-go step waits for approval; the sales rep requests it
from the step; the sales manager, signed out, opens the link the notification's e-mail or chat message carries,
signs in, lands on the decision page and approves with a comment; the step can then be completed, and the deal's
page shows the decision and its comment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from presales.approvals import services as approval_services
from presales.approvals.models import ApprovalKind, ApprovalMode, ApprovalRequest, RequestStatus
from presales.approvals.services import ApproverSpec
from presales.deals.models import DealStep, StepStatus
from presales.notifications.models import Notification
from presales.people.models import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_go_no_go_approved_from_the_notification_link(page, live_server, personas, playbook):
    deal = personas.deal
    approval_services.approval_flow_create(
        actor=personas.admin,
        approvers=[ApproverSpec(role=Role.SALES_MANAGER)],
        name="立项评估",
        kind=ApprovalKind.GO_NO_GO,
        mode=ApprovalMode.SEQUENCE,
    )
    step = DealStep.objects.get(opportunity=deal, definition__key="go_no_go")

    # 1. The rep opens the go/no-go step: it waits for approval; the quick action asks for it.
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}{reverse('deals:step', args=[step.pk])}")
    assert "waits for approval" in page.locator("#step-hold").inner_text()
    page.click("#step-hold a.btn")
    page.wait_for_url("**/steps/go_no_go/request/")
    page.fill("#request-approval textarea[name=comment]", "客户预算已批,建议继续投入")
    page.click("#request-approval button[type=submit]")
    page.wait_for_url("**/approvals/*/")
    approval = ApprovalRequest.objects.get()
    assert approval.status == RequestStatus.PENDING

    # 2. The sales manager is told; signed out, the link of the e-mail or chat message asks them to sign in first.
    notification = Notification.objects.get(recipient=personas.manager, kind="approval_requested")
    assert notification.absolute_open_url().endswith(reverse("notifications:open", args=[notification.pk]))
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('notifications:open', args=[notification.pk])}")
    page.wait_for_url("**/login/**")
    page.fill("input[name=login]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"**/approvals/{approval.pk}/")
    assert "客户预算已批" in page.locator("#approval-request").inner_text()

    # 3. Approve with a comment.
    page.fill("#decision textarea[name=comment]", "同意,控制投入力度")
    page.click("#decision button[value=approve]")
    page.wait_for_url(f"**/approvals/{approval.pk}/")
    assert page.locator("#decision").count() == 0
    assert "同意,控制投入力度" in page.locator("#approval-tasks").inner_text()
    approval.refresh_from_db()
    assert approval.status == RequestStatus.APPROVED

    # 4. The rep completes the go/no-go step now; the deal page shows the approval with its comment.
    page.context.clear_cookies()
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}{reverse('deals:step', args=[step.pk])}")
    assert page.locator("#step-hold").count() == 0
    form = page.locator("form.answer-form")
    form.locator("input[type=radio][value=go]").check()
    form.locator("select[name$=investment]").select_option("medium")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/deals/{deal.pk}/checklist/")
    step.refresh_from_db()
    assert step.status == StepStatus.DONE
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    panel = page.locator("#deal-approvals")
    panel.locator("#deal-approval-list").wait_for()
    assert "同意,控制投入力度" in panel.inner_text()
