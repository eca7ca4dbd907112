from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.core.history import register_reasons
from presales.notifications import targets
from presales.playbook import gates


class ApprovalsConfig(AppConfig):
    name = "presales.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from presales.approvals import selectors  # the models are ready only now

        # The playbook sits below this app: it asks the registered checks whether a step waits for an approval.
        gates.register(selectors.step_holds)
        # A notification about a request opens its decision page.
        targets.register("approval_request", lambda pk: reverse("approvals:detail", args=[pk]))
        register_reasons(
            {
                "requested": _("approval requested"),
                "approved": _("approved"),
                "rejected": _("rejected"),
                "delegate": _("decided by the delegate"),
                "turn": _("the approver's turn"),
                "not needed": _("no longer needed"),
                "approvers changed": _("approvers changed"),
                "ended": _("delegation ended"),
                "delegation cancelled": _("delegation cancelled"),
            }
        )
