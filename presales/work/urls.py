from django.urls import path

from presales.core.routes import object_urls
from presales.work import views

app_name = "work"

urlpatterns = [
    *object_urls("activities/", views, "activity", name="activity_", pages=("list", "create")),
    path("activities/week/", views.activity_week, name="activity_week"),
    path("activities/team/", views.activity_team, name="activity_team"),
    path("activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    *object_urls("requests/", views, "request", name="request_", pages=("list", "create", "detail")),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("workload/", views.workload, name="workload"),
]
