from django.urls import path

from presales.playbook import views

app_name = "playbook"
urlpatterns = [
    path("", views.stages, name="stages"),
    path("settings/", views.playbook_settings, name="settings"),
    path("settings/draft/", views.draft_create, name="draft_create"),
    path("settings/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("settings/steps/new/", views.step_definition_edit, name="step_definition_new"),
    path("settings/steps/<int:pk>/", views.step_definition_edit, name="step_definition_edit"),
    path("settings/steps/<int:pk>/delete/", views.step_definition_delete, name="step_definition_delete"),
]
