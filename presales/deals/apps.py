from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.core.history import register_reasons
from presales.notifications import targets


class DealsConfig(AppConfig):
    name = "presales.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        # Notifications about a step or a deal open its checklist pages (notifications sit below this app).
        targets.register("deal_step", lambda pk: reverse("deals:step", args=[pk]))
        targets.register("opportunity", lambda pk: reverse("deals:checklist", args=[pk]))
        # The reason codes the deal services give their changes, as the history shows them.
        register_reasons(
            {
                "stage": _("stage moved"),
                "close": _("deal closed"),
                "reopen": _("deal reopened"),
                "completed": _("step completed"),
                "handed over": _("handed over"),
                "deal team or close date changed": _("follows the deal team and the close date"),
                "not_started": _("step reopened"),
                "in_progress": _("step started"),
                "blocked": _("step blocked"),
                "skipped": _("step skipped"),
                "moved to playbook": _("moved to another playbook version"),
                "not in playbook": _("not in the new playbook version"),
                "stage gate": _("moved past open steps"),
                "due dates": _("due date set as the deal moved"),
                "unassigned": _("nobody on the deal team has the role"),
            }
        )
        targets.register("deal_conflict", lambda pk: reverse("deals:conflict", args=[pk]))
