from django.urls import path

from presales.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("tasks/<int:pk>/decide/", views.decide, name="decide"),
    path("deals/<int:deal_pk>/steps/<slug:step_key>/request/", views.request_create, name="request_create"),
    path("deals/<int:pk>/panel/", views.deal_panel, name="deal_panel"),
    path("flows/", views.flow_list, name="flow_list"),
    path("flows/new/", views.flow_edit, name="flow_create"),
    path("flows/<int:pk>/", views.flow_edit, name="flow_edit"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/end/", views.delegation_end, name="delegation_end"),
]
