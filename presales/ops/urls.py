from django.urls import path

from presales.ops import views

app_name = "ops"
# The middleware answers first (see presales/ops/middleware.py); the route gives the page its name and a fallback.
urlpatterns = [path("health/", views.health, name="health")]
