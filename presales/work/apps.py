from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.work"
    label = "work"
    verbose_name = _("Presales work")
