"""Issue a personal API token from the command line (administrators, for scripts and integrations)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from presales.people.models import User
from presales.people.tokens import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenScope, api_token_create


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help='What will use the token, e.g. "CRM sync".')
        parser.add_argument(
            "--scope", choices=TokenScope.values, default=TokenScope.READ, help="read (the default) or write."
        )
        parser.add_argument(
            "--days", type=int, default=TOKEN_DEFAULT_DAYS, help=f"Days until it expires (1-{TOKEN_MAX_DAYS})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        try:
            token, secret = api_token_create(
                user=user, name=options["name"], scope=options["scope"], days=options["days"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.name!r} for {user.username} (starts with {token.prefix}, {token.get_scope_display()}, "
            f"expires {token.expires_at:%Y-%m-%d}). Store it now:"
        )
        self.stdout.write(secret)
