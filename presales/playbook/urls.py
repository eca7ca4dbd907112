from django.urls import path

from presales.playbook import views

app_name = "playbook"
urlpatterns = [
    path("", views.stages, name="stages"),
]
