from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "presales.core"
    label = "core"
