"""Hashed secrets: API tokens, calendar feed addresses and customer share links are shown once and stored as a hash.

A secret is 256 random bits, so a plain SHA-256 is enough (no salt, no slow hash: nobody can guess it, and the
lookup by hash stays one indexed query). Whoever holds the secret is let in; whoever reads the database is not.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A fresh random secret (43 URL-safe characters after the optional prefix), to be shown to its owner once."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its SHA-256 in hex (64 characters)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
