from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.bids"
    label = "bids"
    verbose_name = _("Bids and POCs")

    def ready(self) -> None:
        try:
            from presales.core.demo import register_generator
        except ImportError:  # the demo generator is optional (not every checkout has it yet)
            return
        from presales.core.demo.bids import generate_bids

        register_generator("bids", generate_bids)
