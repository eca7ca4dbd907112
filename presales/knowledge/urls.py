from django.urls import path

from presales.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/delete/", views.item_delete, name="delete"),
    path("<int:pk>/use/", views.item_use, name="use"),
    path("<int:pk>/files/", views.attachment_upload, name="upload"),
    path("files/<int:pk>/", views.attachment_download, name="download"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
