from allauth.account import views as allauth_views
from django.urls import path

from presales.people import pickers, views

app_name = "people"
urlpatterns = [
    # The sign-in page the app links to; allauth's other pages (reset, two-factor, single sign-on) are under /auth/.
    path("login/", allauth_views.LoginView.as_view(), name="login"),
    path("logout/", allauth_views.LogoutView.as_view(), name="logout"),
    path("welcome/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/tokens/", views.api_token_create_view, name="api_token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("language/", views.set_language, name="set_language"),
    path("pick/people/", pickers.PersonPickerView.as_view(), name="person_pick"),
    path("pick/teams/", pickers.TeamPickerView.as_view(), name="team_pick"),
    path("pick/skills/", pickers.SkillPickerView.as_view(), name="skill_pick"),
]
