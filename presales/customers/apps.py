from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "presales.customers"
    label = "customers"
