from django.urls import path

from presales.documents import views

app_name = "documents"

# The URL names are the document kinds (DocumentKind values), so a document finds its own page and PDF.
urlpatterns = [
    path("pocs/<int:pk>/", views.poc_signoff, name="poc_signoff"),
    path("pocs/<int:pk>/pdf/", views.poc_signoff_pdf, name="poc_signoff_pdf"),
    path("tenders/<int:pk>/", views.tender_deviations, name="tender_deviations"),
    path("tenders/<int:pk>/pdf/", views.tender_deviations_pdf, name="tender_deviations_pdf"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/pdf/", views.scorecard_pdf, name="scorecard_pdf"),
    path("deals/<int:pk>/debrief/", views.debrief, name="debrief"),
    path("deals/<int:pk>/debrief/pdf/", views.debrief_pdf, name="debrief_pdf"),
]
