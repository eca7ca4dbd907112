"""Secrets: API tokens, calendar feed addresses and share links are shown once and stored as a hash; the chat robots' and
webhooks' secrets, which we must use again, are stored encrypted.

A hashed secret is 256 random bits, so a plain SHA-256 is enough (no salt, no slow hash: nobody can guess it, and the
lookup by hash stays one indexed query). Whoever holds the secret is let in; whoever reads the database is not.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (43 URL-safe characters after the optional prefix), to be shown to its owner once."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its SHA-256 in hex (64 characters)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- secrets we must give back --------------------------------------------------------------------------------------
# A chat robot's webhook address, its signing secret and an outbound webhook's signing key are sent or used by us on
# every message, so a hash will not do: they are encrypted (Fernet: AES-128-CBC and HMAC-SHA256) with a key derived
# from SECRET_KEY. Whoever reads a database dump without the settings learns nothing; rotating SECRET_KEY keeps them
# readable while the old key is listed in SECRET_KEY_FALLBACKS.


class UnreadableSecretError(Exception):
    """A stored secret could not be decrypted (SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS)."""


def _fernet_for(key: str) -> Fernet:
    derived = hashlib.sha256(b"presales.core.secrets:" + key.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(key) for key in keys])


def encrypt_secret(value: str) -> str:
    """The stored form of a secret we must use again later (empty stays empty)."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_secret(token: str) -> str:
    """The secret stored by `encrypt_secret`; raises UnreadableSecretError when the key that wrote it is gone."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise UnreadableSecretError from error
