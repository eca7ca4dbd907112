from django.urls import path

from presales.bids import views

app_name = "bids"

urlpatterns = [
    path("", views.tender_list, name="tender_list"),
    path("calendar/", views.tender_calendar, name="calendar"),
    path("new/", views.tender_create, name="tender_create"),
    path("<int:pk>/", views.tender_detail, name="tender_detail"),
    path("<int:pk>/edit/", views.tender_edit, name="tender_edit"),
    path("<int:pk>/do/<str:action>/", views.tender_action, name="tender_action"),
    path("<int:pk>/deviations/<str:table>/", views.deviation_table, name="deviations"),
    path("<int:pk>/deviations/<str:table>/export/", views.deviation_export, name="deviations_export"),
    path("files/<int:pk>/", views.submission_download, name="submission_download"),
    path("pocs/", views.poc_list, name="poc_list"),
    path("pocs/new/", views.poc_create, name="poc_create"),
    path("pocs/<int:pk>/", views.poc_detail, name="poc_detail"),
    path("pocs/<int:pk>/edit/", views.poc_edit, name="poc_edit"),
    path("pocs/<int:pk>/do/<str:action>/", views.poc_action, name="poc_action"),
    path("pocs/shared/<str:token>/", views.poc_share, name="poc_share"),
    path("test-cases/", views.test_case_list, name="test_cases"),
    path("gaps/", views.gap_list, name="gap_list"),
    path("gaps/new/", views.gap_create, name="gap_create"),
    path("gaps/<int:pk>/status/", views.gap_status, name="gap_status"),
    path("deal/<int:pk>/", views.deal_panel, name="deal_panel"),
]
