from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.notifications import targets


class DealsConfig(AppConfig):
    name = "presales.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        # Notifications about a step or a deal open its checklist pages (notifications sit below this app).
        targets.register("deal_step", lambda pk: reverse("deals:step", args=[pk]))
        targets.register("opportunity", lambda pk: reverse("deals:checklist", args=[pk]))
