from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.work"
    label = "work"
    verbose_name = _("Presales work")

    def ready(self) -> None:
        try:
            from presales.core.demo import register_generator
        except ImportError:  # the demo generator is optional (not every checkout has it yet)
            return
        from presales.work.demo import generate_work

        register_generator("work", generate_work)
