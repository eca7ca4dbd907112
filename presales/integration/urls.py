from django.urls import path

from presales.integration import views

app_name = "integration"
urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/values/", views.import_values, name="import_values"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("calendar/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
