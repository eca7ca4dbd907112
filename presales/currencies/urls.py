from django.urls import path

from presales.currencies import views

app_name = "currencies"

urlpatterns = [
    path("rates/", views.rates, name="rates"),
    path("rates/<int:pk>/delete/", views.rate_delete, name="rate_delete"),
]
