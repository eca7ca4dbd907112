"""Single sign-on providers that django-allauth does not ship (WeCom); allauth's own ones are configured in settings."""
