from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from presales.core.history import register_reasons


class BidsConfig(AppConfig):
    name = "presales.bids"
    label = "bids"
    verbose_name = _("Bids and POCs")

    def ready(self) -> None:
        # The reason codes the bid services give their changes, as the history shows them.
        register_reasons({"results": _("follows the results of its success criteria")})
