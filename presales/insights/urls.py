from django.urls import path

from presales.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/", views.dashboard, name="dashboard"),
]
