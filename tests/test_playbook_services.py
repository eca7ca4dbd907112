"""The playbook's rules: the 24 steps, the responsibility matrix, gates, stage following, versioning, reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.deals import services as deal_services
from presales.deals.answer_forms import AnswerForm
from presales.deals.models import DealPlaybook, DealRole, DealStep, Opportunity, Outcome, StepStatus
from presales.deals.services.answers import ANSWER_TYPES
from presales.notifications.models import Notification
from presales.people.models import Role, TeamKind
from presales.playbook import services as playbook_services
from presales.playbook.defaults import STEPS
from presales.playbook.models import AnswerKind, PlaybookVersion, Stage, StepRole
from tests.factories import (
    AccountFactory,
    CompetitorFactory,
    ContactFactory,
    OpportunityFactory,
    TeamFactory,
    UserFactory,
)

ARTICLE_STEPS = [
    "项目机会分析",
    "初步接触(电话沟通,办事员级别)",
    "了解预算是否已批,预算大小",
    "初次报价,提供项目预算供用户参考",
    "公司内部讨论是否值得继续投入及投入力度",
    "再次接触(面对面,经理级别)",
    "了解用户真实需求,痛点所在",
    "客户痛点能否解决",
    "方案是否得到认可",
    "项目是否初步入围",
    "提供样机或试用软件测试",
    "应对竞争对手,强调和对手的差异",
    "了解客户组织结构,项目决策人,项目决策方式",
    "在客户内部寻找己方支持者,和他深入沟通",
    "最终报价",
    "是否进入最终采购名单",
    "采购方式确认",
    "确认最终预算",
    "公司内部评估项目风险",
    "等待客户内部下单流程",
    "收到订单,商务条款谈判",
    "合同双方审核",
    "签单",
    "销售完成",
]


def steps_of(deal) -> list[DealStep]:
    return list(
        DealStep.objects.filter(opportunity=deal)
        .select_related("definition", "responsible")
        .order_by("definition__order")
    )


def step(deal, order: int) -> DealStep:
    return DealStep.objects.select_related("definition", "opportunity").get(opportunity=deal, definition__order=order)


def test_default_playbook_has_the_articles_24_steps_in_order(db):
    version = PlaybookVersion.objects.current()
    assert version.number == 1
    assert [s.name_zh for s in version.steps.order_by("order")] == ARTICLE_STEPS
    assert [row[2] for row in STEPS] == ARTICLE_STEPS
    by_order = {s.order: s for s in version.steps.select_related("stage")}
    assert by_order[5].responsible_role == StepRole.SALES_MANAGER
    assert by_order[5].consulted_roles == ["presales_manager"]
    assert by_order[21].responsible_role == StepRole.COMMERCIAL
    assert by_order[15].consulted_roles == ["presales", "commercial"]
    assert [by_order[n].stage.number for n in (1, 6, 11, 13, 20, 24)] == [2, 3, 4, 5, 6, 6]


def test_new_deal_gets_checklist_with_one_owner_per_step(personas):
    deal = personas.deal
    rows = steps_of(deal)
    assert len(rows) == 24
    owners = {row.definition.order: row.responsible for row in rows}
    assert owners[1] == personas.owner
    assert owners[7] == personas.engineer  # presales -> presales lead
    assert owners[5] == personas.manager  # sales manager -> manager of the deal's team
    assert owners[21] is None  # nobody commercial anywhere: unassigned, never the sales rep
    # Steps of the stages reached (the deal starts at stage 2) are due by the rule; later ones are upcoming.
    reached = [row for row in rows if row.definition.stage.number <= deal.stage.number]
    later = [row for row in rows if row.definition.stage.number > deal.stage.number]
    assert reached and later
    assert all(row.due_date is not None and row.actionable_since is not None for row in reached)
    assert all(row.due_date is None and row.actionable_since is None for row in later)
    dues = [row.due_date for row in reached]
    assert dues == sorted(dues) or all(d <= deal.expected_close_date for d in dues)
    assert DealPlaybook.objects.get(opportunity=deal).playbook.number == 1


def test_assignment_notifies_other_people_once_per_deal(personas):
    notes = Notification.objects.filter(recipient=personas.engineer)
    assert notes.count() == 1
    assert "steps" in notes.get().text_for(personas.engineer)  # in the reader's language (English by default)
    assert not Notification.objects.filter(recipient=personas.owner).exists()  # the creator is not told about own steps


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    has_lead=st.booleans(),
    lead_active=st.booleans(),
    has_sales_manager=st.booleans(),
    has_presales_team=st.booleans(),
    has_presales_manager=st.booleans(),
    commercial_member=st.booleans(),
    commercial_team_manager=st.booleans(),
    after_sales_member=st.booleans(),
)
def test_every_role_resolves_to_one_person_of_that_role_or_nobody(
    has_lead,
    lead_active,
    has_sales_manager,
    has_presales_team,
    has_presales_manager,
    commercial_member,
    commercial_team_manager,
    after_sales_member,
):

    n = UserFactory.reset_sequence  # noqa: F841 - sequences keep usernames unique across examples
    manager = UserFactory(role=Role.SALES_MANAGER) if has_sales_manager else None
    team = TeamFactory(kind=TeamKind.SALES, manager=manager)
    owner = UserFactory(role=Role.SALES, team=team)
    lead = None
    if has_lead:
        psm = UserFactory(role=Role.PRESALES_MANAGER) if has_presales_manager else None
        pteam = TeamFactory(kind=TeamKind.PRESALES, manager=psm) if has_presales_team else None
        lead = UserFactory(role=Role.PRESALES, team=pteam)
    if commercial_team_manager:
        TeamFactory(kind=TeamKind.COMMERCIAL, manager=UserFactory(role=Role.COMMERCIAL))
    account = AccountFactory(owner=owner)
    deal = OpportunityFactory(account=account, sales_owner=owner, presales_lead=lead)
    if commercial_member:
        deal_services.deal_member_add(
            actor=owner, opportunity=deal, user=UserFactory(role=Role.COMMERCIAL), role=DealRole.COMMERCIAL
        )
    if after_sales_member:
        deal_services.deal_member_add(
            actor=owner, opportunity=deal, user=UserFactory(role=Role.AFTER_SALES), role=DealRole.AFTER_SALES
        )
    if has_lead and not lead_active:
        lead.is_active = False
        lead.save(update_fields=["is_active"])
        deal_services.deal_steps_sync(opportunity=deal)
    deal.refresh_from_db()
    # Who may hold each step role: its own people (a commercial or after-sales team's manager has that role too).
    fits = {role: {role} for role in StepRole.values}
    for role in StepRole.values:
        person = deal_services.resolve_responsible(deal, role)
        if person is None:
            continue
        assert person.is_active and person.role in fits[role]
        assert role == StepRole.SALES or person != owner  # no fallback to the sales rep
    assert deal_services.resolve_responsible(deal, StepRole.SALES) == owner
    assert (deal_services.resolve_responsible(deal, StepRole.PRESALES) is None) == (not has_lead or not lead_active)
    rows = steps_of(deal)
    assert len(rows) == 24
    for row in rows:
        if row.responsible_id is None:
            assert row.unassigned_label.startswith("Unassigned: needs")
            assert DealStep.objects.in_unassigned_queue_of(UserFactory(role=Role.ADMIN)).filter(pk=row.pk).exists()
        else:
            # Whoever owns a step can open the deal (access follows the work).
            assert Opportunity.objects.filter(pk=deal.pk).visible_to(row.responsible).exists()


def test_team_change_reassigns_open_steps_but_not_hand_assigned_ones(personas):
    deal = personas.deal
    other = UserFactory(role=Role.PRESALES, team=personas.engineer.team)
    kept = deal_services.deal_step_reassign(actor=personas.owner, step=step(deal, 8), user=personas.teammate)
    deal_services.opportunity_update(actor=personas.owner, opportunity=deal, expected_version=None, presales_lead=other)
    assert step(deal, 7).responsible == other
    assert step(deal, 8).responsible == personas.teammate
    # The hand-over is in the step's history: who had it before and who has it now.
    owners = [h.responsible_id for h in kept.history.order_by("history_date")]
    assert owners[0] == personas.engineer.pk and owners[-1] == personas.teammate.pk


def test_reassign_to_somebody_outside_lets_them_open_the_deal(personas):
    # Access follows the work (docs/decisions.md): the new owner could not see the deal before, and can now.
    assert not Opportunity.objects.filter(pk=personas.deal.pk).visible_to(personas.outsider).exists()
    deal_services.deal_step_reassign(actor=personas.owner, step=step(personas.deal, 1), user=personas.outsider)
    assert Opportunity.objects.filter(pk=personas.deal.pk).visible_to(personas.outsider).exists()
    personas.outsider.is_active = False
    personas.outsider.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        deal_services.deal_step_reassign(actor=personas.owner, step=step(personas.deal, 2), user=personas.outsider)


def test_outsider_cannot_work_a_step(personas):
    with pytest.raises(PermissionDenied):
        deal_services.deal_step_set_status(actor=personas.outsider, step=step(personas.deal, 1), status="in_progress")


def test_skip_needs_a_reason_and_block_too(personas):
    with pytest.raises(ValidationError):
        deal_services.deal_step_set_status(
            actor=personas.owner, step=step(personas.deal, 2), status="skipped", reason=" "
        )
    with pytest.raises(ValidationError):
        deal_services.deal_step_set_status(actor=personas.owner, step=step(personas.deal, 2), status="blocked")
    done = deal_services.deal_step_set_status(
        actor=personas.owner, step=step(personas.deal, 2), status="skipped", reason="Met the manager directly"
    )
    assert done.status == StepStatus.SKIPPED and done.reason == "Met the manager directly"


def test_cannot_mark_won_before_signing(personas):
    with pytest.raises(ValidationError):
        deal_services.opportunity_close(
            actor=personas.owner, opportunity=personas.deal, outcome=Outcome.WON, expected_version=None
        )


def test_no_go_at_step_5_abandons_the_deal_with_the_reason(personas):
    deal_services.deal_step_complete(
        actor=personas.manager,
        step=step(personas.deal, 5),
        answer={"decision": "no_go", "investment": "low", "reason": "Budget is for a competitor's upgrade"},
    )
    personas.deal.refresh_from_db()
    assert personas.deal.outcome == Outcome.ABANDONED
    assert personas.deal.outcome_reason == "Budget is for a competitor's upgrade"
    assert personas.deal.probability == 0


def test_stage_follows_the_checklist_and_signing_completes_the_sale(personas):
    deal = personas.deal
    owner = personas.owner
    contact = ContactFactory(account=personas.account)
    for order in range(1, 5):
        deal_services.deal_step_set_status(
            actor=personas.manager, step=step(deal, order), status="skipped", reason="demo"
        )
    deal.refresh_from_db()
    assert deal.stage.number == 2
    deal_services.deal_step_complete(
        actor=personas.manager, step=step(deal, 5), answer={"decision": "go", "investment": "high"}
    )
    deal.refresh_from_db()
    assert deal.stage.number == 3
    assert deal.probability == Stage.objects.get(number=3).default_probability
    for order in range(6, 23):
        deal_services.deal_step_set_status(actor=owner, step=step(deal, order), status="skipped", reason="test")
    deal.refresh_from_db()
    assert deal.stage.number == 6
    signed_on = timezone.localdate()
    deal_services.deal_step_complete(
        actor=owner, step=step(deal, 23), answer={"date": signed_on, "amount": Decimal("880000")}
    )
    deal.refresh_from_db()
    assert deal.amount == Decimal("880000")  # the signed amount is the deal's own amount: no copy
    assert deal.is_open
    deal_services.deal_step_complete(actor=owner, step=step(deal, 24), answer={})
    deal.refresh_from_db()
    assert deal.outcome == Outcome.WON and deal.closed_on == signed_on and deal.probability == 100
    assert contact  # contacts untouched


def test_answers_write_through_the_deals_own_records(personas):
    deal = personas.deal
    owner = personas.owner
    boss = ContactFactory(account=personas.account, name="CIO Liu")
    fan = ContactFactory(account=personas.account, name="Architect Sun")
    rival = CompetitorFactory(name="华为")
    deal_services.deal_step_complete(
        actor=personas.engineer,
        step=step(deal, 12),
        answer={"competitor": rival, "is_ahead": True, "notes": "incumbent", "differentiators": "our TCO"},
    )
    assert deal.competitor_links.get().is_ahead
    deal_services.deal_step_complete(
        actor=owner, step=step(deal, 13), answer={"decision_maker": boss, "method": "committee"}
    )
    deal_services.deal_step_complete(actor=owner, step=step(deal, 14), answer={"champion": fan})
    boss.refresh_from_db()
    fan.refresh_from_db()
    assert boss.decision_role == "decision_maker"
    assert fan.attitude == "champion"
    new_close = deal.expected_close_date + datetime.timedelta(days=10)
    deal_services.deal_step_complete(actor=owner, step=step(deal, 20), answer={"date": new_close})
    deal.refresh_from_db()
    assert deal.expected_close_date == new_close


def test_competitor_step_needs_a_competitor_or_none_known(personas):
    with pytest.raises(ValidationError):
        deal_services.deal_step_complete(actor=personas.engineer, step=step(personas.deal, 12), answer={})
    deal_services.deal_step_complete(actor=personas.engineer, step=step(personas.deal, 12), answer={"none_known": True})


def test_playbook_versioning_keeps_open_deals_on_their_version_until_moved(personas):
    psm = personas.presales_manager
    deal = personas.deal
    deal_services.deal_step_complete(
        actor=personas.owner, step=step(deal, 3), answer={"status": "approved", "amount": Decimal("500000")}
    )
    with pytest.raises(PermissionDenied):
        playbook_services.playbook_draft_create(actor=personas.owner)
    draft = playbook_services.playbook_draft_create(actor=psm)
    assert draft.number == 2 and draft.is_draft and draft.steps.count() == 24
    first = draft.steps.get(order=1)
    playbook_services.step_definition_update(actor=psm, step=first, expected_version=first.version, name_en="Qualify")
    playbook_services.step_definition_delete(actor=psm, step=draft.steps.get(key="shortlisted"))
    playbook_services.step_definition_create(
        actor=psm,
        playbook=draft,
        order=2,
        key="site_survey",
        name_zh="现场勘察",
        name_en="Site survey",
        responsible_role="presales",
        consulted_roles=["sales"],
        stage=Stage.objects.get(number=2),
        answer_kind=AnswerKind.CONTACT,
        due_rule="after_previous",
        due_days=5,
    )
    assert list(draft.steps.order_by("order").values_list("order", flat=True)) == list(range(1, 25))
    assert draft.steps.get(order=2).key == "site_survey"
    playbook_services.playbook_publish(actor=psm, playbook=draft)
    assert PlaybookVersion.objects.current() == draft
    with pytest.raises(ValidationError):
        playbook_services.step_definition_update(
            actor=psm, step=draft.steps.get(order=1), expected_version=None, name_en="x"
        )
    # The open deal keeps version 1 ...
    assert DealPlaybook.objects.get(opportunity=deal).playbook.number == 1
    assert step(deal, 10).definition.key == "shortlisted"
    # ... new deals start on version 2 ...
    new_deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    assert DealPlaybook.objects.get(opportunity=new_deal).playbook == draft
    # ... and moving keeps the answers, adds the new step, drops the removed one, and is recorded.
    deal_services.deal_playbook_move(actor=personas.owner, opportunity=deal, version=draft)
    rows = steps_of(deal)
    assert len(rows) == 24
    budget = next(r for r in rows if r.definition.key == "budget")
    assert budget.status == StepStatus.DONE and budget.answer_amount == Decimal("500000")
    assert budget.definition.playbook == draft
    assert not any(r.definition.key == "shortlisted" for r in rows)
    assert any(r.definition.key == "site_survey" for r in rows)
    history = DealPlaybook.objects.get(opportunity=deal).history.order_by("history_date")
    assert [h.playbook_id for h in history] == [PlaybookVersion.objects.get(number=1).pk, draft.pk]


def test_publish_refuses_a_playbook_without_a_signing_step(personas):
    psm = personas.presales_manager
    draft = playbook_services.playbook_draft_create(actor=psm)
    playbook_services.step_definition_delete(actor=psm, step=draft.steps.get(key="signed"))
    with pytest.raises(ValidationError):
        playbook_services.playbook_publish(actor=psm, playbook=draft)


def test_reminders_are_idempotent_and_emailed(personas, django_capture_on_commit_callbacks):
    deal = personas.deal
    today = timezone.localdate()
    since = today - datetime.timedelta(days=10)  # the deal reached the steps' stage ten days ago
    late = step(deal, 7)
    DealStep.objects.filter(pk=late.pk).update(actionable_since=since, due_date=today - datetime.timedelta(days=2))
    soon = step(deal, 8)
    DealStep.objects.filter(pk=soon.pk).update(actionable_since=since, due_date=today + datetime.timedelta(days=1))
    DealStep.objects.filter(opportunity=deal, actionable_since__isnull=False).exclude(pk__in=[late.pk, soon.pk]).update(
        due_date=today + datetime.timedelta(days=30)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_step_reminders")
    kinds = sorted(
        Notification.objects.filter(recipient=personas.engineer)
        .exclude(kind="step_assigned")
        .values_list("kind", flat=True)
    )
    assert kinds == ["step_due_soon", "step_overdue"]
    assert len(mail.outbox) == 2 and mail.outbox[0].to == [personas.engineer.email]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_step_reminders")
    assert Notification.objects.filter(recipient=personas.engineer).exclude(kind="step_assigned").count() == 2
    assert len(mail.outbox) == 2


def test_every_answer_kind_has_a_form_and_a_write():
    """One registry keyed by answer kind serves the forms (pages and API) and the write of the answer."""
    assert set(ANSWER_TYPES) == set(AnswerKind.values)
    for kind, answer_type in ANSWER_TYPES.items():
        assert issubclass(answer_type.form, AnswerForm), kind
        assert callable(answer_type.write), kind
