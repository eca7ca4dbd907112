from django.urls import path

from presales.work import views

app_name = "work"

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/week/", views.activity_week, name="activity_week"),
    path("activities/team/", views.activity_team, name="activity_team"),
    path("activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("workload/", views.workload, name="workload"),
]
