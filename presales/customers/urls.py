from django.urls import path

from presales.core.routes import object_urls
from presales.customers import pickers, views

app_name = "customers"
urlpatterns = [
    *object_urls("", views, "account", name="account_"),
    path("pick/", pickers.AccountPickerView.as_view(), name="account_pick"),
    path("contacts/pick/", pickers.ContactPickerView.as_view(), name="contact_pick"),
    path("<int:pk>/org-chart/", views.account_org_chart, name="account_org_chart"),
    path("<int:pk>/merge/", views.account_merge, name="account_merge"),
    path("<int:pk>/merge/<int:other_pk>/", views.account_merge_preview, name="account_merge_preview"),
    path("<int:account_pk>/contacts/new/", views.contact_create, name="contact_create"),
    *object_urls("contacts/", views, "contact", name="contact_", pages=("list", "detail", "edit", "delete")),
]
