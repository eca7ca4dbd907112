"""Demo knowledge items (filled in below)."""

from presales.core.demo.context import DemoContext


def generate_knowledge(ctx: DemoContext) -> None:
    return None
