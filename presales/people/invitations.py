"""Invitations: the e-mail with a set-password link, built on Django's password-reset tokens.

The link works once (the token is tied to the password hash, which changes when the password is set) and for
PASSWORD_RESET_TIMEOUT seconds. It is self-contained here, independent of how people sign in otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from presales.people.models import User


def set_password_path(person: User) -> str:
    """The path of the one-time link where `person` chooses a password."""
    uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("people:set_password", kwargs={"uidb64": uidb64, "token": token})


def invitation_send(*, person: User, invited_by: User, base_url: str) -> None:
    """E-mail `person` a link to set their password, in their language, once the transaction has committed."""
    if not person.email:
        return
    language = person.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "person": person,
            "invited_by": invited_by,
            "link": base_url.rstrip("/") + set_password_path(person),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = render_to_string("people/email/invitation_subject.txt", context).strip()
        body = render_to_string("people/email/invitation.txt", context)
    recipient = person.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
