from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        try:
            from presales.core.demo import register_generator
        except ImportError:  # the demo generator is optional
            return
        from presales.core.demo.scoring import generate_scoring

        # Registered after "work" (earlier in INSTALLED_APPS): the scorecards read its activities.
        register_generator("scoring", generate_scoring)
