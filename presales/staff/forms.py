"""Forms of the people and teams pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from presales import access
from presales.core.pickers import PickerSelect
from presales.people.models import PRESALES_ROLES, SALES_ROLES, Role, Skill, Team, User
from presales.staff.services import PERSON_FIELDS, TEAM_FIELDS

SKILL_LEVELS = [("", _("—")), *((str(level), str(level)) for level in range(1, 6))]
SKILL_PREFIX = "skill_"


class PersonForm(forms.ModelForm):
    """A person's account, role, team, capacity and targets, and a level (1-5) for each skill they have."""

    class Meta:
        model = User
        fields = ["username", *PERSON_FIELDS]
        help_texts = {"username": _("What they sign in with: letters, digits and @/./+/-/_ only.")}

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor = actor
        creating = self.instance.pk is None
        if not creating:
            del self.fields["username"]
        self.fields["email"].required = creating
        self.fields["display_name"].required = True
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [
            (value, label) for value, label in Role.choices if value in access.assignable_roles(actor)
        ]
        team_field = cast(forms.ModelChoiceField, self.fields["team"])
        team_field.queryset = access.teams_visible_to(actor, Team.objects.all()).order_by("name")
        team_field.required = not access.can_manage_people(actor)
        self.skills = list(Skill.objects.order_by("name"))
        held = {} if creating else dict(self.instance.skills.values_list("skill_id", "level"))
        for skill in self.skills:
            self.fields[f"{SKILL_PREFIX}{skill.pk}"] = forms.TypedChoiceField(
                label=str(skill),
                choices=SKILL_LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                initial=held.get(skill.pk),
            )

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(SKILL_PREFIX)]

    @property
    def skill_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(SKILL_PREFIX)]

    def _post_clean(self) -> None:
        # The service validates the row (with the actor's rules); the model form's own instance validation would
        # run too early (before the service sets the fields) and needs a password.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}

    def skill_levels(self) -> dict[Skill, int | None]:
        return {skill: self.cleaned_data.get(f"{SKILL_PREFIX}{skill.pk}") for skill in self.skills}


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = list(TEAM_FIELDS)
        widgets = {"manager": PickerSelect("people:person_pick")}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        manager = cast(forms.ModelChoiceField, self.fields["manager"])
        manager.queryset = User.objects.active().order_by("display_name", "username")
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        if self.instance.pk:
            parent.queryset = Team.objects.exclude(pk=self.instance.pk)

    def _post_clean(self) -> None:
        pass  # the service runs the team's own checks (full_clean) with the values it sets


class HandOverForm(forms.Form):
    """Who takes over someone's open deals."""

    sales_owner = forms.ModelChoiceField(
        label=_("New sales owner of the deals they own"),
        queryset=User.objects.none(),
        required=False,
        widget=PickerSelect("people:person_pick", query="role=sales"),
    )
    presales_lead = forms.ModelChoiceField(
        label=_("New presales lead of the deals they lead"),
        queryset=User.objects.none(),
        required=False,
        widget=PickerSelect("people:person_pick", query="role=presales"),
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        active = User.objects.active().exclude(pk=person.pk).order_by("display_name", "username")
        sales = cast(forms.ModelChoiceField, self.fields["sales_owner"])
        presales = cast(forms.ModelChoiceField, self.fields["presales_lead"])
        sales.queryset = active.filter(role__in=SALES_ROLES)
        presales.queryset = active.filter(role__in=PRESALES_ROLES)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the history)"), max_length=100, required=False)
