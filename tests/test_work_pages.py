"""Pages of the work app: activities, support requests with triage, workload; permissions and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from presales.people.models import Role, Skill, UserSkill
from presales.work import selectors, services, triage
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest
from tests.factories import AccountFactory, OpportunityFactory, UserFactory
from tests.factories.work import log_activity, make_support_request

TODAY = timezone.localdate()


# --- activities ---------------------------------------------------------------------------------


def test_quick_log_from_a_deal_has_defaults_and_saves(personas, login):
    client = login(personas.engineer)
    url = reverse("work:activity_create") + f"?opportunity={personas.deal.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["date"] == TODAY and form.initial["hours"] == Decimal(2)
    assert form.initial["opportunity"] == personas.deal.pk
    response = client.post(
        url,
        {
            "kind": "on_site_visit",
            "opportunity": personas.deal.pk,
            "date": TODAY.isoformat(),
            "hours": "3",
            "status": "done",
            "outcome": "Met the CIO",
            "next": "deal",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.owner == personas.engineer and activity.account == personas.account and activity.hours == 3


def test_quick_log_error_keeps_typed_values(personas, login):
    response = login(personas.engineer).post(
        reverse("work:activity_create"),
        {"kind": "demo", "date": TODAY.isoformat(), "hours": "1.5", "status": "done", "outcome": "typed outcome"},
    )
    assert response.status_code == 200
    assert "typed outcome" in response.content.decode()
    assert response.context["form"].errors["opportunity"]


def test_activity_pages_permissions(personas, login, client):
    activity = log_activity(personas)
    assert login(personas.owner).get(reverse("work:activity_create")).status_code == 403  # sales do not log
    assert login(personas.outsider).get(reverse("work:activity_edit", args=[activity.pk])).status_code == 404
    assert login(personas.teammate).get(reverse("work:activity_edit", args=[activity.pk])).status_code == 403
    assert login(personas.owner).get(reverse("work:activity_list")).context["activities"][0] == activity
    assert list(login(personas.outsider).get(reverse("work:activity_list")).context["activities"]) == []
    assert client.get(reverse("work:activity_list")).status_code == 302
    assert login(personas.presales_manager).get(reverse("work:activity_edit", args=[activity.pk])).status_code == 200


def test_activity_edit_marks_done_and_detects_conflicts(personas, login):
    activity = log_activity(personas, status=ActivityStatus.PLANNED)
    client = login(personas.engineer)
    url = reverse("work:activity_edit", args=[activity.pk])
    data = {
        "kind": "demo",
        "opportunity": personas.deal.pk,
        "date": TODAY.isoformat(),
        "hours": "2",
        "status": "done",
        "outcome": "Demo went well",
        "version": activity.version,
    }
    services.activity_update(
        actor=personas.engineer, activity=activity, expected_version=activity.version, hours=Decimal(4)
    )
    conflict = client.post(url, data)
    assert conflict.status_code == 200 and conflict.context["conflict"] is not None
    data["version"] = activity.version + 1
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.status == "done" and activity.outcome == "Demo went well"


def test_week_and_team_views(personas, login):
    log_activity(personas, date=TODAY, hours=Decimal("3"))
    week = login(personas.engineer).get(reverse("work:activity_week"))
    assert week.status_code == 200 and week.context["total"] == 3
    team = login(personas.presales_manager).get(reverse("work:activity_team"))
    row = next(r for r in team.context["grid"] if r["person"] == personas.engineer)
    assert row["hours"] == 3
    assert login(personas.owner).get(reverse("work:activity_team")).status_code == 403
    assert (
        login(personas.engineer).get(reverse("work:activity_week") + f"?person={personas.owner.pk}").status_code == 403
    )


def test_activity_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    for i in range(30):
        activity = log_activity(personas, date=TODAY - datetime.timedelta(days=i))
        activity.participants.add(personas.presales_manager)
    client = login(personas.engineer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("work:activity_list") + "?kind=demo")
    assert len(response.context["activities"]) == 25


# --- support requests ---------------------------------------------------------------------------


def test_sales_files_a_request_and_follows_it(personas, login):
    client = login(personas.owner)
    skill = Skill.objects.create(name="存储", name_en="Storage")
    response = client.post(
        reverse("work:request_create"),
        {
            "opportunity": personas.deal.pk,
            "kind": "poc",
            "description": "POC please",
            "needed_by": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "estimate_hours": "16",
            "skills": [skill.pk],
            "win_rate_answer": "Shortlist needs it",
            "expected_uplift": "10",
        },
    )
    assert response.status_code == 302
    support = SupportRequest.objects.get()
    assert support.is_duty  # the POC step belongs to presales in the default matrix
    assert support.triage_due_at is not None
    page = client.get(support.get_absolute_url())
    assert page.status_code == 200 and "three-looks" not in page.content.decode()


def test_request_form_error_keeps_values_and_wrong_role(personas, login, client):
    response = login(personas.owner).post(
        reverse("work:request_create"), {"opportunity": personas.deal.pk, "kind": "poc", "description": "typed words"}
    )
    assert response.status_code == 200 and "typed words" in response.content.decode()
    assert login(personas.engineer).get(reverse("work:request_create")).status_code == 403
    assert client.get(reverse("work:request_create")).status_code == 302


def test_outsider_cannot_see_a_request(personas, login):
    support = make_support_request(personas)
    assert login(personas.outsider).get(support.get_absolute_url()).status_code == 404
    assert login(personas.teammate).post(reverse("work:request_action", args=[support.pk, "triage"])).status_code == 403


def test_manager_triages_accepts_with_a_plan_engineer_finishes(personas, login):
    """The issue's journey: request → three looks with reasons → accept with a plan → work logged → done."""
    personas.account.is_key_account = True
    personas.account.save()
    support = make_support_request(personas, kind="bid_document", estimate_hours=Decimal("200"))
    assert not support.is_duty
    manager = login(personas.presales_manager)
    page = manager.get(support.get_absolute_url() + f"?engineer={personas.engineer.pk}")
    verdict = page.context["verdict"]
    assert verdict.recommendation == "accept_with_plan"
    assert "key account" in page.content.decode()
    assert page.context["ranked"]
    response = manager.post(
        reverse("work:request_action", args=[support.pk, "triage"]),
        {"assignee": personas.engineer.pk, "version": support.version, "recommendation": verdict.recommendation},
    )
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.status == RequestStatus.TRIAGED
    bad = manager.post(
        reverse("work:request_action", args=[support.pk, "decide"]),
        {
            "decision": "accepted_with_plan",
            "assignee": personas.engineer.pk,
            "decision_reason": "Key account",
            "plan": "",
            "version": support.version,
        },
    )
    assert bad.status_code == 400 and "Key account" in bad.content.decode()
    manager.post(
        reverse("work:request_action", args=[support.pk, "decide"]),
        {
            "decision": "accepted_with_plan",
            "assignee": personas.engineer.pk,
            "decision_reason": "Key account",
            "plan": "Move the training to next month",
            "version": support.version,
        },
    )
    support.refresh_from_db()
    assert support.status == RequestStatus.ACCEPTED_WITH_PLAN and support.decided_by == personas.presales_manager
    engineer = login(personas.engineer)
    engineer.post(reverse("work:request_action", args=[support.pk, "start"]), {"version": support.version})
    engineer.post(
        reverse("work:activity_create") + f"?opportunity={personas.deal.pk}&request={support.pk}",
        {
            "kind": "bid_document",
            "opportunity": personas.deal.pk,
            "date": TODAY.isoformat(),
            "hours": "6",
            "status": "done",
            "request": support.pk,
        },
    )
    support.refresh_from_db()
    engineer.post(reverse("work:request_action", args=[support.pk, "done"]), {"version": support.version})
    support.refresh_from_db()
    assert support.status == RequestStatus.DONE
    assert support.activities.get().hours == 6
    seen = login(personas.owner).get(support.get_absolute_url()).content.decode()
    assert "Done" in seen and str(personas.engineer) in seen
    assert support.history.count() >= 5


def test_illegal_transition_is_refused(personas):
    support = make_support_request(personas)
    with pytest.raises(Exception, match="cannot become"):
        services.request_decide(
            actor=personas.presales_manager,
            request=support,
            decision="accepted",
            reason="x",
            assignee=personas.engineer,
        )


def test_forgotten_requests_are_escalated(personas, login):
    support = make_support_request(personas)
    later = timezone.now() + datetime.timedelta(hours=100)
    assert SupportRequest.objects.forgotten(later).get() == support
    call_command("escalate_requests", now=later.isoformat())
    support.refresh_from_db()
    assert support.escalated_at is not None
    # Large deals have shorter targets.
    big = OpportunityFactory(account=personas.account, sales_owner=personas.owner, amount=Decimal("9000000"))
    fast = make_support_request(personas, opportunity=big)
    assert fast.triage_due_at - fast.created_at < datetime.timedelta(hours=5)


def test_request_list_query_count_is_bounded(personas, login, django_assert_max_num_queries):
    skill = Skill.objects.create(name="网络")
    for _ in range(30):
        make_support_request(personas).skills.add(skill)
    client = login(personas.presales_manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("work:request_list"))
    assert len(response.context["requests"]) == 25


# --- triage inputs and workload ------------------------------------------------------------------


def test_triage_inputs_ranks_by_skill_and_counts_commitments(personas, django_assert_max_num_queries):
    skill = Skill.objects.create(name="数据库", name_en="Database")
    expert = UserFactory(role=Role.PRESALES, team=personas.engineer.team, display_name="Expert")
    UserSkill.objects.create(user=expert, skill=skill, level=5)
    support = make_support_request(personas, kind="solution_writing")
    support.skills.add(skill)
    log_activity(personas, status=ActivityStatus.PLANNED, date=TODAY + datetime.timedelta(days=1), hours=Decimal("30"))

    with django_assert_max_num_queries(12):
        inputs = selectors.triage_inputs(support)
    ranked = triage.rank_engineers(inputs.request, inputs.engineers)
    assert ranked[0].engineer.name == "Expert"
    engineer = inputs.engineer(personas.engineer.pk)
    assert engineer.committed_hours == 30
    assert personas.presales_manager.pk in engineer.manager_ids


def test_workload_view(personas, login, django_assert_max_num_queries):
    for i in range(20):
        log_activity(
            personas, status=ActivityStatus.PLANNED, date=TODAY + datetime.timedelta(days=i), hours=Decimal("9")
        )
    accepted = make_support_request(personas)
    services.request_triage(actor=personas.presales_manager, request=accepted, assignee=personas.engineer)
    accepted.refresh_from_db()
    services.request_decide(actor=personas.presales_manager, request=accepted, decision="accepted", reason="ok")
    client = login(personas.presales_manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("work:workload"))
    row = next(r for r in response.context["rows"] if r["engineer"] == personas.engineer)
    assert len(row["cells"]) == 8
    total = sum(cell["committed"] for cell in row["cells"])
    assert total == pytest.approx(9 * 20 + 16, abs=0.5)
    assert any(cell["level"] == "over" for cell in row["cells"])
    assert login(personas.owner).get(reverse("work:workload")).status_code == 403


def test_value_check_on_triage_page_flags_decided_deal(personas, login):
    personas.deal.probability = 95
    personas.deal.save()
    support = make_support_request(personas)
    page = login(personas.presales_manager).get(support.get_absolute_url())
    assert "value-flag-decided" in page.content.decode()


def test_other_account_activity_is_visible_only_to_its_people(personas, login):
    account = AccountFactory(owner=personas.outsider)
    activity = services.activity_create(
        actor=personas.admin,
        kind="qa",
        date=TODAY,
        hours=Decimal(1),
        account=account,
        owner=personas.admin,
        participants=[personas.engineer],
    )
    assert login(personas.engineer).get(reverse("work:activity_edit", args=[activity.pk])).status_code == 403
    assert login(personas.owner).get(reverse("work:activity_edit", args=[activity.pk])).status_code == 404


def test_planning_form_shows_the_value_check(personas, login):
    personas.deal.probability = 5
    personas.deal.save()
    page = login(personas.engineer).get(
        reverse("work:activity_create") + f"?opportunity={personas.deal.pk}&status=planned"
    )
    assert page.status_code == 200
    assert page.context["value_check"] is not None
    assert "value-flag-decided" in page.content.decode()


@pytest.mark.parametrize("model", ["responsetarget", "cannotrefuserule", "activity", "supportrequest"])
def test_admin_pages_load(personas, login, model):
    personas.admin.is_staff = personas.admin.is_superuser = True
    personas.admin.save()
    make_support_request(personas)
    log_activity(personas)
    assert login(personas.admin).get(reverse(f"admin:work_{model}_changelist")).status_code == 200
