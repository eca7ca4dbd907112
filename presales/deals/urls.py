from django.urls import path

from presales.core.routes import object_urls
from presales.deals import pickers
from presales.deals.views import checklist, competitors, opportunities, reasons

app_name = "deals"
urlpatterns = [
    *object_urls("", opportunities, "opportunity"),
    path("pick/", pickers.OpportunityPickerView.as_view(), name="pick"),
    path("competitors/pick/", pickers.CompetitorPickerView.as_view(), name="competitor_pick"),
    path("board/", opportunities.board, name="board"),
    path("<int:pk>/stage/", opportunities.opportunity_move_stage, name="move_stage"),
    path("<int:pk>/stage/confirm/", opportunities.opportunity_move_stage_confirm, name="move_stage_confirm"),
    path("<int:pk>/close/", opportunities.opportunity_close, name="close"),
    path("<int:pk>/reopen/", opportunities.opportunity_reopen, name="reopen"),
    path("<int:pk>/team/", opportunities.deal_member_add, name="member_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", opportunities.deal_member_remove, name="member_remove"),
    path("<int:pk>/competitors/", opportunities.deal_competitor_add, name="competitor_add"),
    path("<int:pk>/competitors/<int:link_pk>/remove/", opportunities.deal_competitor_remove, name="competitor_remove"),
    # The deal's checklist and its steps.
    path("<int:pk>/checklist/", checklist.deal_checklist, name="checklist"),
    path("<int:pk>/checklist/move/", checklist.deal_move, name="checklist_move"),
    path("steps/<int:pk>/", checklist.step_detail, name="step"),
    path("steps/<int:pk>/complete/", checklist.step_complete, name="step_complete"),
    path("steps/<int:pk>/status/", checklist.step_status, name="step_status"),
    path("steps/<int:pk>/reassign/", checklist.step_reassign, name="step_reassign"),
    path("my-steps/", checklist.my_steps, name="my_steps"),
    path("unassigned/", checklist.unassigned_steps, name="unassigned"),
    path("steps/<int:pk>/assign/", checklist.step_assign, name="step_assign"),
    path("accountability/", checklist.accountability_board, name="accountability"),
    path("steps/", checklist.step_list, name="step_list"),
    path("conflicts/<int:pk>/", opportunities.deal_conflict, name="conflict"),
    # The win/loss reasons (administrators).
    path("reasons/", reasons.outcome_reason_list, name="outcome_reasons"),
    path("reasons/<int:pk>/", reasons.outcome_reason_edit, name="outcome_reason_edit"),
    # The shared competitor profiles.
    *object_urls("competitors/", competitors, "competitor", name="competitor_"),
]
