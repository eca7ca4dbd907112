"""Filters of the webhook delivery log."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from presales.core.filters import StableOrderingFilter
from presales.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from presales.notifications.tables import WebhookDeliveryTable


class WebhookDeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeliveryStatus.choices)
    event = django_filters.ChoiceFilter(label=_("Event"), choices=WebhookEvent.choices)
    ordering = StableOrderingFilter(fields=WebhookDeliveryTable.ordering_fields())

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event"]
