from django.apps import AppConfig
from django.urls import reverse

from presales.notifications import targets


class PlaybookConfig(AppConfig):
    name = "presales.playbook"
    label = "playbook"

    def ready(self) -> None:
        # Notifications about a step or a deal open its checklist pages (notifications cannot import this app).
        targets.register("deal_step", lambda pk: reverse("playbook:step", args=[pk]))
        targets.register("opportunity", lambda pk: reverse("playbook:deal", args=[pk]))
