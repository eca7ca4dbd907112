"""Demo tenders, POCs and gaps (filled in below)."""

from presales.core.demo.context import DemoContext


def generate_bids(ctx: DemoContext) -> None:
    return None
