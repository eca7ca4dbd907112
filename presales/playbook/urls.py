from django.urls import path

from presales.playbook import views

app_name = "playbook"
urlpatterns = [
    path("", views.stages, name="stages"),
    path("my-steps/", views.my_steps, name="my_steps"),
    path("board/", views.board, name="board"),
    path("deals/<int:pk>/", views.deal_checklist, name="deal"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal_move"),
    path("steps/<int:pk>/", views.step_detail, name="step"),
    path("steps/<int:pk>/complete/", views.step_complete, name="step_complete"),
    path("steps/<int:pk>/status/", views.step_status, name="step_status"),
    path("steps/<int:pk>/reassign/", views.step_reassign, name="step_reassign"),
    path("settings/", views.playbook_settings, name="settings"),
    path("settings/draft/", views.draft_create, name="draft_create"),
    path("settings/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("settings/steps/new/", views.step_definition_edit, name="step_definition_new"),
    path("settings/steps/<int:pk>/", views.step_definition_edit, name="step_definition_edit"),
    path("settings/steps/<int:pk>/delete/", views.step_definition_delete, name="step_definition_delete"),
]
