from django.urls import path

from presales.winning import views

app_name = "winning"
urlpatterns = [
    path("verdicts/", views.TechnicalVerdictListView.as_view(), name="verdict_list"),
    path("deals/<int:pk>/panel/", views.deal_panel, name="deal_panel"),
    path("deals/<int:pk>/verdict/", views.verdict_record, name="verdict_record"),
    path("model/retrain/", views.retrain, name="retrain"),
    path("model/progress/", views.progress, name="progress"),
]
