from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WinningConfig(AppConfig):
    name = "presales.winning"
    label = "winning"
    verbose_name = _("Technical win and win probability")
