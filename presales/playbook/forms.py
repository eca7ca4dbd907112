"""Forms of the playbook editor (the settings page)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from presales.core.forms import VersionedModelForm, optional_choices
from presales.playbook import services
from presales.playbook.models import StepDefinition, StepRole


class StepDefinitionForm(VersionedModelForm):
    consulted_roles = optional_choices(_("Consulted"), StepRole.choices)

    class Meta:
        model = StepDefinition
        fields = list(services.STEP_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False

    def validate_unique(self) -> None:
        # Order is renumbered by the service; the key must stay unique inside the version.
        key = self.cleaned_data.get("key")
        playbook_id = self.instance.playbook_id
        if key and playbook_id:
            clash = StepDefinition.objects.filter(playbook_id=playbook_id, key=key).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("key", _("Another step of this version uses this key."))
