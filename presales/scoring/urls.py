from django.urls import path

from presales.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("engineers/<int:pk>/", views.scorecard, name="scorecard"),
    path("engineers/<int:pk>/deals/", views.credited_deals, name="credited"),
    path("engineers/<int:pk>/visits/", views.scorecard_visits, name="visits"),
    path("engineers/<int:pk>/capability/", views.capability, name="capability"),
    path("engineers/<int:pk>/quota/", views.quota, name="quota"),
    path("to-do/", views.todo, name="todo"),
    path("deals/<int:deal_pk>/rate/", views.rate, name="rate"),
    path("deals/<int:deal_pk>/debrief/", views.debrief, name="debrief"),
    path("setup/", views.setup, name="setup"),
    path("setup/dimensions/new/", views.dimension_edit, name="dimension_create"),
    path("setup/dimensions/<int:pk>/", views.dimension_edit, name="dimension_edit"),
    path("periods/close/", views.period_close, name="period_close"),
    path("periods/<int:pk>/reopen/", views.period_reopen, name="period_reopen"),
]
