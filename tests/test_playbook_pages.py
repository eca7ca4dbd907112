"""The playbook pages: checklist, step, my next steps, board, notifications, settings; visibility and query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from presales.deals import services
from presales.deals.models import DealPlaybook, DealStep, StepStatus
from presales.notifications.models import Notification
from presales.playbook.models import PlaybookVersion
from tests.factories import AccountFactory, OpportunityFactory
from tests.test_playbook_services import ARTICLE_STEPS, step

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_checklist_shows_the_24_steps_with_owners(personas, login):
    # The step names in the reader's language only: English here, the article's Chinese for a Chinese reader.
    response = login(personas.owner).get(reverse("deals:checklist", args=[personas.deal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for definition in PlaybookVersion.objects.current().steps.all():
        assert escape(definition.name_en) in html
    for name in ARTICLE_STEPS:
        assert name not in html
    assert "Engineer Zhao" in html and "Manager Ma" in html
    assert "No approved budget." in html  # qualification risk before step 3 is answered


def test_checklist_partial_for_the_deal_page_and_extension(personas, login):
    client = login(personas.owner)
    partial = client.get(reverse("deals:checklist", args=[personas.deal.pk]), **HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    detail = client.get(reverse("deals:detail", args=[personas.deal.pk]))
    assert reverse("deals:checklist", args=[personas.deal.pk]) in detail.content.decode()


def test_outsider_sees_no_step_of_the_deal(personas, login):
    client = login(personas.outsider)
    some_step = step(personas.deal, 1)
    assert client.get(reverse("deals:checklist", args=[personas.deal.pk])).status_code == 404
    assert client.get(reverse("deals:step", args=[some_step.pk])).status_code == 404
    assert client.post(reverse("deals:step_complete", args=[some_step.pk]), {}).status_code == 404
    assert client.post(reverse("deals:step_status", args=[some_step.pk]), {"status": "skipped"}).status_code == 404
    my = client.get(reverse("deals:my_steps")).content.decode()
    assert "数据中心升级" not in my


def test_anonymous_is_sent_to_login(personas, client):
    for url in (
        reverse("deals:my_steps"),
        reverse("deals:accountability"),
        reverse("playbook:settings"),
        reverse("deals:checklist", args=[personas.deal.pk]),
        reverse("notifications:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("people:login") in response["Location"]


def test_teammate_who_can_see_but_not_work_the_step_gets_403(personas, login):
    s = step(personas.deal, 3)
    client = login(personas.teammate)
    assert client.get(reverse("deals:step", args=[s.pk])).status_code == 200
    response = client.post(reverse("deals:step_complete", args=[s.pk]), {f"s{s.pk}-status": "approved"})
    assert response.status_code == 403


def test_complete_step_with_answer_and_form_error_keeps_typed_values(personas, login):
    s = step(personas.deal, 3)
    client = login(personas.owner)
    url = reverse("deals:step_complete", args=[s.pk]) + "?inline=0"
    bad = client.post(url, {f"s{s.pk}-status": "approved", f"s{s.pk}-amount": "", f"s{s.pk}-version": s.version})
    assert bad.status_code == 200
    assert 'value="approved" selected' in bad.content.decode()
    assert DealStep.objects.get(pk=s.pk).status == StepStatus.NOT_STARTED
    good = client.post(url, {f"s{s.pk}-status": "approved", f"s{s.pk}-amount": "650000", f"s{s.pk}-version": s.version})
    assert good.status_code == 302
    done = DealStep.objects.get(pk=s.pk)
    assert done.status == StepStatus.DONE and done.answer_amount == Decimal("650000")


def test_stale_version_is_refused_with_a_conflict(personas, login):
    s = step(personas.deal, 10)
    services.deal_step_set_status(actor=personas.owner, step=s, status="in_progress")
    response = login(personas.owner).post(
        reverse("deals:step_complete", args=[s.pk]) + "?inline=0",
        {f"s{s.pk}-answer_value": "yes", f"s{s.pk}-version": s.version},
    )
    assert response.status_code == 200
    assert DealStep.objects.get(pk=s.pk).status == StepStatus.IN_PROGRESS


def test_one_click_complete_from_my_steps_with_htmx(personas, login):
    s = step(personas.deal, 10)
    client = login(personas.owner)
    form = client.get(reverse("deals:step_complete", args=[s.pk]), **HTMX)
    assert form.status_code == 200 and "hx-post" in form.content.decode()
    done = client.post(
        reverse("deals:step_complete", args=[s.pk]),
        {f"s{s.pk}-answer_value": "yes", f"s{s.pk}-version": s.version},
        **HTMX,
    )
    assert done.status_code == 200 and "Done" in done.content.decode()
    assert DealStep.objects.get(pk=s.pk).answer_choice == "yes"


def test_skip_needs_a_reason_on_the_page(personas, login):
    s = step(personas.deal, 2)
    client = login(personas.owner)
    response = client.post(reverse("deals:step_status", args=[s.pk]), {"status": "skipped", "reason": ""})
    assert response.status_code == 200 and DealStep.objects.get(pk=s.pk).status == StepStatus.NOT_STARTED
    response = client.post(reverse("deals:step_status", args=[s.pk]), {"status": "skipped", "reason": "Known contact"})
    assert response.status_code == 302 and DealStep.objects.get(pk=s.pk).status == StepStatus.SKIPPED


def test_hand_over_is_recorded(personas, login):
    s = step(personas.deal, 7)
    client = login(personas.owner)
    response = client.post(
        reverse("deals:step_reassign", args=[s.pk]), {"responsible": personas.teammate.pk, "version": s.version}
    )
    assert response.status_code == 302
    page = client.get(reverse("deals:step", args=[s.pk])).content.decode()
    assert "Teammate Li" in page and "Engineer Zhao" in page  # history shows from whom to whom
    # Access follows the work: handing the step to somebody outside the deal's teams lets them open the deal.
    s.refresh_from_db()
    moved = client.post(
        reverse("deals:step_reassign", args=[s.pk]), {"responsible": personas.outsider.pk, "version": s.version}
    )
    assert moved.status_code == 302
    assert login(personas.outsider).get(personas.deal.get_absolute_url()).status_code == 200


def test_my_steps_lists_overdue_first(personas, login):
    today = timezone.localdate()
    late = step(personas.deal, 24)
    DealStep.objects.filter(pk=late.pk).update(
        actionable_since=today - datetime.timedelta(days=9), due_date=today - datetime.timedelta(days=3)
    )
    response = login(personas.owner).get(reverse("deals:my_steps"))
    steps = response.context["steps"]
    assert steps[0].pk == late.pk and steps[0].overdue
    assert all(s.responsible_id == personas.owner.pk for s in steps)
    dues = [s.due_date for s in steps]
    assert dues == sorted(dues)


def _many_deals(personas, count: int) -> None:
    for _ in range(count):
        account = AccountFactory(owner=personas.owner)
        OpportunityFactory(account=account, sales_owner=personas.owner, presales_lead=personas.engineer)


def test_query_counts_do_not_grow_with_rows(personas, login, django_assert_max_num_queries):
    _many_deals(personas, 6)
    client = login(personas.manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("deals:accountability")).status_code == 200
    owner = login(personas.owner)
    with django_assert_max_num_queries(15):
        assert owner.get(reverse("deals:my_steps")).status_code == 200
    with django_assert_max_num_queries(25):
        assert owner.get(reverse("deals:checklist", args=[personas.deal.pk])).status_code == 200
    _many_deals(personas, 6)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("deals:accountability")).status_code == 200
    with django_assert_max_num_queries(15):
        assert owner.get(reverse("deals:my_steps")).status_code == 200


def test_board_is_for_managers(personas, login):
    assert login(personas.owner).get(reverse("deals:accountability")).status_code == 403
    DealStep.objects.filter(opportunity=personas.deal, definition__order=7).update(
        actionable_since=timezone.localdate() - datetime.timedelta(days=5),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = login(personas.manager).get(reverse("deals:accountability"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.total_open == 24 and board.total_overdue == 1
    engineer_row = next(r for r in board.by_person if r.user == personas.engineer)
    assert engineer_row.overdue == 1
    assert len(board.trend) == 8 and board.trend[-1]["overdue"] >= 1
    assert login(personas.outsider).get(reverse("deals:accountability")).status_code == 403


def test_notifications_list_and_mark_read(personas, login):
    client = login(personas.engineer)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200 and response.context["unread"] == 1
    note = Notification.objects.get(recipient=personas.engineer)
    opened = client.get(reverse("notifications:open", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("deals:checklist", args=[personas.deal.pk])
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert login(personas.owner).get(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_settings_edit_draft_and_publish(personas, login):
    assert login(personas.owner).get(reverse("playbook:settings")).status_code == 403
    assert login(personas.manager).get(reverse("playbook:settings")).status_code == 403
    client = login(personas.presales_manager)
    assert client.get(reverse("playbook:settings")).status_code == 200
    assert client.post(reverse("playbook:draft_create")).status_code == 302
    draft = PlaybookVersion.objects.get(published_at__isnull=True)
    first = draft.steps.get(order=1)
    data = {
        "order": 1,
        "key": first.key,
        "name_zh": "",
        "name_en": "Qualify the lead",
        "responsible_role": "presales",
        "consulted_roles": ["sales"],
        "stage": first.stage_id,
        "answer_kind": first.answer_kind,
        "due_rule": "after_previous",
        "due_days": 4,
        "version": first.version,
    }
    bad = client.post(reverse("playbook:step_definition_edit", args=[first.pk]), data)
    assert bad.status_code == 200 and "Qualify the lead" in bad.content.decode()
    data["name_zh"] = "项目机会分析"
    assert client.post(reverse("playbook:step_definition_edit", args=[first.pk]), data).status_code == 302
    first.refresh_from_db()
    assert first.responsible_role == "presales" and first.consulted_roles == ["sales"]
    assert client.post(reverse("playbook:draft_publish", args=[draft.pk])).status_code == 302
    assert PlaybookVersion.objects.current() == draft
    # The existing deal is still on v1 and offers the move; the move keeps it recorded.
    owner = login(personas.owner)
    page = owner.get(reverse("deals:checklist", args=[personas.deal.pk]))
    assert page.context["move_form"] is not None
    owner.post(reverse("deals:checklist_move", args=[personas.deal.pk]), {"playbook": draft.pk})
    assert DealPlaybook.objects.get(opportunity=personas.deal).playbook == draft
    assert step(personas.deal, 1).responsible == personas.owner  # answers/owners of kept steps stay


@pytest.mark.parametrize("name", ["deals:my_steps", "notifications:list"])
def test_every_role_can_open_their_pages(personas, login, name):
    for user in (personas.owner, personas.engineer, personas.outsider, personas.admin):
        assert login(user).get(reverse(name)).status_code == 200
