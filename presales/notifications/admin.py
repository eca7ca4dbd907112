"""Admin for notifications: read what was sent to whom, over which channel, and whether it arrived."""

from django.contrib import admin

from presales.notifications.models import ChatRobot, Delivery, Notification, Webhook, WebhookDelivery


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "robot", "status", "attempts", "last_error", "next_attempt_at", "sent_at")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "channel")
    raw_id_fields = ("notification", "robot")


@admin.register(ChatRobot)
class ChatRobotAdmin(admin.ModelAdmin):
    # The encrypted address and secret never show here: they are entered on the channels pages only.
    list_display = ("name", "platform", "user", "team", "enabled")
    list_filter = ("platform", "enabled")
    fields = ("name", "platform", "user", "team", "kinds", "enabled")
    raw_id_fields = ("user", "team")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "enabled")
    fields = ("name", "url", "events", "enabled")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("webhook", "event", "status", "attempts", "response_status", "last_error", "created_at")
    list_filter = ("status", "event")
    raw_id_fields = ("webhook",)
