from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top of the stack: the home page and the navigation, which tie every app together for display."""

    name = "presales.web"
    label = "web"
