from django.apps import AppConfig


class PlaybookConfig(AppConfig):
    name = "presales.playbook"
    label = "playbook"
