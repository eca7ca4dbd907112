from django.urls import path

from presales.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("channels/", views.my_channels, name="channels"),
    path("channels/teams/<int:team_id>/", views.team_channels, name="team_channels"),
    path("channels/robots/<int:pk>/toggle/", views.robot_toggle, name="robot_toggle"),
    path("channels/robots/<int:pk>/delete/", views.robot_delete, name="robot_delete"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/deliveries/", views.webhook_delivery_list, name="webhook_deliveries"),
    path("webhooks/deliveries/<int:pk>/retry/", views.webhook_delivery_retry, name="webhook_delivery_retry"),
]
