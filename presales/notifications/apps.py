from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Messages to one person, in the app and by e-mail; what they are about is linked through `targets`."""

    name = "presales.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
