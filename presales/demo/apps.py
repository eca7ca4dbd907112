from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and scale data generator (`manage.py seed_demo`): on top of every app, through their services."""

    name = "presales.demo"
    label = "demo"
