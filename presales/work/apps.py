from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from presales.core.history import register_reasons


class WorkConfig(AppConfig):
    name = "presales.work"
    label = "work"
    verbose_name = _("Presales work")

    def ready(self) -> None:
        # The reason codes the request services give their changes, as the history shows them.
        register_reasons(
            {
                "escalated": _("escalated: nobody picked it up in time"),
                "cancelled": _("cancelled"),
                "cancelled while running": _("cancelled while the work was running"),
            }
        )
