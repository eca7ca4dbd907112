"""Forms of the channel settings (a person's, a team's) and of the administrators' webhooks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import optional_choices
from presales.notifications import kinds
from presales.notifications.models import Platform, WebhookEvent


class EmailChoiceForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=_("Send my notifications by e-mail too"),
        required=False,
        help_text=_("In-app notifications are always on."),
    )


class ChatRobotForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(
        label=_("Chat group"), max_length=100, required=False, help_text=_("The group's name, to tell robots apart.")
    )
    webhook_url = forms.URLField(
        label=_("Robot's webhook address"),
        max_length=500,
        help_text=_("Copied from the robot's settings in the group; it is stored encrypted and never shown again."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("DingTalk: the secret under 加签 (starts with SEC). Feishu: the signature verification secret."),
    )
    kinds_chosen = optional_choices(_("Kinds of notification"), kinds.CHOICES, _("None ticked: every kind."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds_chosen"].wide = True  # type: ignore[attr-defined]  # read by components/field.html


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].wide = True  # type: ignore[attr-defined]  # read by components/field.html
