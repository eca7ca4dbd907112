from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """People and teams in the app: invite, change and deactivate people (handing their open work over), the team
    tree. At the top of the stack because a hand-over reads and moves every domain's open work."""

    name = "presales.staff"
    label = "staff"
    verbose_name = _("People and teams")
