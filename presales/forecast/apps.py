from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.forecast"
    label = "forecast"
    verbose_name = _("Forecast")
