from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "presales.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        try:
            from presales.core.demo import register_generator
        except ImportError:  # the demo generator is optional (not every checkout has it yet)
            return
        from presales.core.demo.knowledge import generate_knowledge

        register_generator("knowledge", generate_knowledge)
