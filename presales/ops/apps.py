from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the service: the schedule of background jobs, their run records, the worker's hooks, /health/."""

    name = "presales.ops"
    label = "ops"
    verbose_name = _("Operations")
