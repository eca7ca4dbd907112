from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "presales.people"
    label = "people"
