from django.urls import path

from presales.bids import views
from presales.core.routes import object_urls

app_name = "bids"

urlpatterns = [
    *object_urls("", views, "tender", name="tender_"),
    path("calendar/", views.tender_calendar, name="calendar"),
    path("<int:pk>/do/<str:action>/", views.tender_action, name="tender_action"),
    path("<int:pk>/deviations/<str:table>/", views.deviation_table, name="deviations"),
    path("<int:pk>/deviations/<str:table>/export/", views.deviation_export, name="deviations_export"),
    path("files/<int:pk>/", views.submission_download, name="submission_download"),
    *object_urls("pocs/", views, "poc", name="poc_"),
    path("pocs/<int:pk>/do/<str:action>/", views.poc_action, name="poc_action"),
    path("pocs/shared/<str:token>/", views.poc_share, name="poc_share"),
    path("test-cases/", views.test_case_list, name="test_cases"),
    *object_urls("gaps/", views, "gap", name="gap_", pages=("list", "create")),
    path("gaps/<int:pk>/status/", views.gap_status, name="gap_status"),
    path("deal/<int:pk>/", views.deal_panel, name="deal_panel"),
]
