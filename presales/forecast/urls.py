from django.urls import path

from presales.forecast import views

app_name = "forecast"
urlpatterns = [
    path("", views.forecast, name="index"),
    path("deals/", views.figure_deals, name="deals"),
    path("moves/", views.moves, name="moves"),
    path("quotas/", views.quotas, name="quotas"),
    path("categories/", views.stage_categories, name="categories"),
    path("teams/<int:team_pk>/call/", views.call, name="call"),
    path("deal/<int:pk>/", views.deal_panel, name="deal_panel"),
    path("deal/<int:pk>/category/", views.deal_category, name="deal_category"),
]
