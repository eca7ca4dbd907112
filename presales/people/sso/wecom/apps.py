from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeComConfig(AppConfig):
    name = "presales.people.sso.wecom"
    label = "presales_wecom"
    verbose_name = _("WeCom sign-in")
