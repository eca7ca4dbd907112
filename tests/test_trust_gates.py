"""Stage gates (issue 13, item 3): one service decides; the board, the form and the API meet the same gate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from presales.deals import services
from presales.deals.models import Opportunity
from presales.playbook.models import Stage
from tests.factories import pass_go_no_go
from tests.test_api_support import TokenClient
from tests.test_deals_pages import form_data

pytestmark = pytest.mark.django_db


def _stage(number: int) -> Stage:
    return Stage.objects.get(number=number)


def _move(personas, number, reason=""):
    deal = Opportunity.objects.get(pk=personas.deal.pk)
    return services.opportunity_change_stage(
        actor=personas.owner, opportunity=deal, stage=_stage(number), expected_version=None, reason=reason
    )


def test_go_no_go_not_passed_blocks_whatever_the_reason(personas):
    with pytest.raises(services.StageGateClosed, match="go/no-go"):
        _move(personas, 3, reason="We are sure")
    assert Opportunity.objects.get(pk=personas.deal.pk).stage.number == 2


def test_open_steps_need_a_reason_which_the_history_keeps(personas):
    pass_go_no_go(personas.deal)
    with pytest.raises(services.StageGateNeedsReason) as raised:
        _move(personas, 3)
    assert isinstance(raised.value, ValidationError) and raised.value.gate.open_steps
    moved = _move(personas, 3, reason="客户提前立项")
    assert moved.stage.number == 3
    record = moved.history.order_by("-history_date").first()
    assert record.history_change_reason == "stage gate: 客户提前立项" and record.history_user == personas.owner


def test_moving_back_or_with_nothing_open_passes(personas):
    pass_go_no_go(personas.deal)
    _move(personas, 3, reason="ok")
    assert _move(personas, 2).stage.number == 2  # back: no gate
    gate = services.stage_gate(Opportunity.objects.get(pk=personas.deal.pk), _stage(2))
    assert not gate.open_steps and not gate.blocking


def test_board_htmx_drop_goes_to_the_confirmation(personas, login):
    deal = personas.deal
    client = login(personas.owner)
    response = client.post(
        reverse("deals:move_stage", args=[deal.pk]),
        {"stage": _stage(3).pk, "version": deal.version, "next": "/deals/board/"},
        headers={"HX-Request": "true"},
    )
    confirm = response["HX-Redirect"]
    assert confirm.startswith(reverse("deals:move_stage_confirm", args=[deal.pk]))
    page = client.get(confirm)
    assert page.status_code == 200 and page.context["gate"].blocking
    assert Opportunity.objects.get(pk=deal.pk).stage.number == 2
    assert login(personas.outsider).get(confirm).status_code == 404


def test_form_asks_for_the_reason_on_its_field(personas, login):
    deal = personas.deal
    pass_go_no_go(deal)
    client = login(personas.owner)
    response = client.post(reverse("deals:edit", args=[deal.pk]), form_data(deal, stage=_stage(3).pk))
    assert response.status_code == 200 and response.context["form"].errors["stage_reason"]
    assert Opportunity.objects.get(pk=deal.pk).stage.number == 2
    deal.refresh_from_db()
    response = client.post(
        reverse("deals:edit", args=[deal.pk]), form_data(deal, stage=_stage(3).pk, stage_reason="客户要求")
    )
    assert response.status_code == 302 and Opportunity.objects.get(pk=deal.pk).stage.number == 3


def test_api_meets_the_same_gate(personas):
    deal = personas.deal
    api = TokenClient(personas.owner)
    blocked = api.post(f"/opportunities/{deal.pk}/stage", {"version": deal.version, "stage_id": _stage(3).pk})
    assert blocked.status_code == 422
    pass_go_no_go(deal)
    body = {"version": deal.version, "stage_id": _stage(3).pk}
    assert api.post(f"/opportunities/{deal.pk}/stage", body).status_code == 422
    assert api.post(f"/opportunities/{deal.pk}/stage", {**body, "reason": "客户要求"}).status_code == 200
