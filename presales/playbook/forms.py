"""Forms of the playbook editor (the settings page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import VersionedModelForm
from presales.playbook.models import StepDefinition, StepRole


class StepDefinitionForm(VersionedModelForm):
    consulted_roles = forms.MultipleChoiceField(
        label=_("Consulted"), choices=StepRole.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = StepDefinition
        fields = [
            "order",
            "key",
            "name_zh",
            "name_en",
            "responsible_role",
            "consulted_roles",
            "stage",
            "answer_kind",
            "due_rule",
            "due_days",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["order"].required = False

    def validate_unique(self) -> None:
        # Order is renumbered by the service; the key must stay unique inside the version.
        key = self.cleaned_data.get("key")
        playbook_id = self.instance.playbook_id
        if key and playbook_id:
            clash = StepDefinition.objects.filter(playbook_id=playbook_id, key=key).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("key", _("Another step of this version uses this key."))
