"""The audit gaps issue 16 listed, one by one: each change now has a history row with who, when, before and after.

tests/test_audit_walk.py checks every service generically (a history row for every table written); these tests
check what the rows say for the cases the issue named.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from presales.bids import services as bids
from presales.bids.models import DeviationItem, PocCriterion, SubmissionItem, TenderQuestion, TenderSection, TestCase
from presales.core.history import history_entries
from presales.customers import services as customers
from presales.customers.models import Contact
from presales.deals.models import DealStep
from presales.knowledge import services as knowledge
from presales.knowledge.models import KnowledgeAttachment
from presales.people import services as people
from presales.people.models import Skill, Team, TeamKind, UserSkill
from presales.people.tokens import ApiToken, api_token_create, api_token_revoke
from presales.playbook import services as playbook
from presales.playbook.models import StepDefinition
from tests.factories import ContactFactory
from tests.factories.bids import make_poc, make_tender

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_deviation_rows_added_changed_deleted_and_imported_are_in_the_history(personas):
    tender = make_tender(personas)
    row = bids.deviation_add(actor=personas.engineer, tender=tender, table="technical", requirement="双活")
    bids.deviation_update(actor=personas.owner, row=row, response="支持", compliance="compliant")
    row_id = row.pk
    bids.deviation_delete(actor=personas.engineer, row=row)
    records = list(DeviationItem.history.filter(id=row_id).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user) for r in records] == [
        ("+", personas.engineer),
        ("~", personas.owner),
        ("-", personas.engineer),
    ]
    assert records[1].response == "支持" and records[0].response == ""
    assert records[-1].requirement == "双活"  # what the deleted row said


def test_poc_criterion_results_are_in_the_history(personas):
    poc = make_poc(personas)
    criterion = bids.poc_criterion_add(actor=personas.engineer, poc=poc, title="性能", validation="10k IOPS")
    bids.poc_criterion_record(actor=personas.owner, criterion=criterion, result="passed", notes="12k")
    last = PocCriterion.history.filter(id=criterion.pk).latest("history_date")
    assert (last.result, last.result_notes, last.history_user) == ("passed", "12k", personas.owner)


def test_the_poc_customer_link_created_and_revoked_is_in_the_history_and_the_page_shows_it(personas, login):
    poc = make_poc(personas)
    bids.poc_share_create(actor=personas.engineer, poc=poc, days=7)
    bids.poc_share_revoke(actor=personas.owner, poc=poc)
    records = list(poc.history.order_by("history_date", "history_id"))
    created, revoked = records[-2], records[-1]
    assert created.history_user == personas.engineer and created.history_change_reason == "Customer link created"
    assert created.share_expires_at is not None and created.share_revoked_at is None
    assert revoked.history_user == personas.owner and revoked.share_revoked_at is not None
    assert not hasattr(revoked, "share_token_hash")  # the secret's hash is never copied into the history
    # The POC page lists the changes (it failed with a 500 once a POC had two versions).
    response = login(personas.engineer).get(f"/bids/pocs/{poc.pk}/")
    assert response.status_code == 200
    assert any(entry.changes for entry in history_entries(poc))


def test_submission_items_ticked_with_a_file_and_unticked_are_in_the_history(personas):
    tender = make_tender(personas)
    item = SubmissionItem.objects.filter(tender=tender).first()
    assert item.history.filter(history_type="+").exists()  # the default checklist too
    bids.submission_item_tick(
        actor=personas.engineer, item=item, upload=SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt")
    )
    bids.submission_item_untick(actor=personas.owner, item=item)
    ticked, unticked = list(item.history.order_by("history_date", "history_id"))[-2:]
    assert ticked.done_by_id == personas.engineer.pk and ticked.attachment_name == "receipt.pdf"
    assert ticked.history_user == personas.engineer
    assert unticked.done_by_id is None and unticked.history_user == personas.owner


def test_tender_sections_questions_and_test_cases_have_a_history(personas):
    tender = make_tender(personas)
    section = bids.tender_section_add(
        actor=personas.engineer, tender=tender, name="技术方案", kind="technical", owner=None
    )
    bids.tender_section_toggle(actor=personas.owner, section=section)
    question = bids.tender_question_add(actor=personas.engineer, tender=tender, question="是否支持国产化?")
    bids.tender_question_answer(actor=personas.engineer, entry=question, answer="支持")
    case = bids.test_case_create(actor=personas.engineer, title="高可用", validation="切换 < 30 秒")
    assert TenderSection.history.filter(id=section.pk, done=True, history_user=personas.owner).exists()
    assert TenderQuestion.history.filter(id=question.pk, answer="支持").exists()
    assert TestCase.history.filter(id=case.pk, history_user=personas.engineer).exists()


def test_knowledge_attachment_deleted_is_in_the_history(personas):
    item = knowledge.knowledge_item_create(actor=personas.engineer, kind="solution", title="双活方案")
    attachment = knowledge.knowledge_attachment_add(
        actor=personas.engineer, item=item, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
    )
    attachment_id = attachment.pk
    knowledge.knowledge_attachment_delete(actor=personas.engineer, attachment=attachment)
    deleted = KnowledgeAttachment.history.get(id=attachment_id, history_type="-")
    assert deleted.original_name == "plan.pdf" and deleted.history_user == personas.engineer


def test_deleting_a_contact_records_its_side_effects(personas):
    boss = ContactFactory(account=personas.account, name="王总")
    deputy = ContactFactory(account=personas.account, name="李副总", reports_to=boss)
    step = DealStep.objects.filter(opportunity=personas.deal).first()
    DealStep.objects.filter(pk=step.pk).update(answer_contact=boss)
    boss_id = boss.pk
    customers.contact_delete(actor=personas.owner, contact=boss)
    deputy_record = deputy.history.latest("history_date")
    assert deputy_record.reports_to_id is None and deputy_record.history_user == personas.owner
    assert deputy_record.history_change_reason == "Reported to a removed contact"
    step_record = DealStep.history.filter(id=step.pk).latest("history_date")
    assert step_record.answer_contact_id is None and step_record.history_user == personas.owner
    assert Contact.history.filter(id=boss_id, history_type="-", history_user=personas.owner).exists()


def test_teams_skills_tokens_and_step_definitions_have_a_history(personas):
    team = people.team_create(actor=personas.admin, name="华南销售", kind=TeamKind.SALES)
    assert Team.history.get(id=team.pk).history_user == personas.admin
    skill = Skill.objects.create(name="存储")
    people.user_set_skill(actor=personas.presales_manager, user=personas.engineer, skill=skill, level=2)
    people.user_set_skill(actor=personas.presales_manager, user=personas.engineer, skill=skill, level=4)
    levels = list(UserSkill.history.order_by("history_date", "history_id").values_list("level", "history_user"))
    assert levels == [(2, personas.presales_manager.pk), (4, personas.presales_manager.pk)]
    token, _secret = api_token_create(user=personas.owner, name="sync")
    api_token_revoke(actor=personas.admin, token=token)
    assert ApiToken.history.filter(id=token.pk, history_user=personas.admin, revoked_at__isnull=False).exists()
    draft = playbook.playbook_draft_create(actor=personas.presales_manager)
    first = draft.steps.get(order=1)
    first_id = first.pk
    assert first.history.filter(history_type="+", history_user=personas.presales_manager).exists()
    playbook.step_definition_delete(actor=personas.presales_manager, step=first)
    # The others moved up one place: each renumbering is recorded with who did it.
    second = StepDefinition.objects.get(playbook=draft, order=1)
    assert second.history.latest("history_date").history_user == personas.presales_manager
    assert StepDefinition.history.filter(id=first_id, history_type="-").exists()
