"""`manage.py seed_demo --size small|department|enterprise [--seed 42]`: load the demo company once."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from presales.demo import company


class Command(BaseCommand):
    help = (
        "Load a realistic demo company: small (about 20 people, 60 accounts, 250 deals, through the services), "
        "department (about 50 people, 5,000 deals), company (about 300 people, 50,000 deals) or enterprise (about 2,000 people, 200,000 deals). "
        "Running it again does nothing. Prints one login per role; the password is " + company.DEMO_PASSWORD
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(company.SIZES), default="small")
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same company.")

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        # The raw stream: OutputWrapper would end every progress update with a newline.
        stdout = cast(TextIO, self.stdout)  # OutputWrapper writes like a text stream
        company.generate(size, seed=seed, stdout=stdout, stderr=cast(TextIO, self.stderr._out))
        company.print_logins(stdout)
