from django.urls import path

from presales.core.routes import object_urls
from presales.knowledge import pickers, views

app_name = "knowledge"

urlpatterns = [
    *object_urls("", views, "item", pages=("list", "create", "detail", "edit", "delete")),
    path("pick/", pickers.KnowledgeItemPickerView.as_view(), name="pick"),
    path("<int:pk>/use/", views.item_use, name="use"),
    path("<int:pk>/files/", views.attachment_upload, name="upload"),
    path("files/<int:pk>/", views.attachment_download, name="download"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
