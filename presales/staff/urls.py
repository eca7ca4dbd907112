from django.urls import path

from presales.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/hand-over/", views.person_hand_over, name="person_hand_over"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("<int:pk>/invite/", views.person_invite_again, name="person_invite_again"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
]
