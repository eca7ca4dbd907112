from django.urls import path

from presales.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("win-model/", views.win_model, name="win_model"),
    path("<slug:key>/", views.dashboard, name="dashboard"),
]
