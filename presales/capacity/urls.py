from django.urls import path

from presales.capacity import views

app_name = "capacity"

urlpatterns = [
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    path("bookings/for/<str:source>/<int:pk>/", views.source_bookings, name="source_bookings"),
    path("bookings/check/", views.booking_check_partial, name="booking_check"),
    path("bookings/<int:pk>/", views.booking_edit, name="booking_edit"),
    path("bookings/<int:pk>/move/", views.booking_move, name="booking_move"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("calendar/", views.team_calendar, name="calendar"),
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/<int:pk>/delete/", views.leave_delete, name="leave_delete"),
    path("travel-times/", views.travel_times, name="travel_times"),
    path("forecast/", views.capacity_forecast, name="forecast"),
    path("forecast/medians/", views.capacity_medians, name="medians"),
    path("forecast/run/", views.forecast_run, name="forecast_run"),
    path("forecast/status/", views.forecast_status, name="forecast_status"),
]
