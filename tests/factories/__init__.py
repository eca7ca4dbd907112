"""factory_boy factories, one module per app; they create rows through the services."""

from tests.factories.customers import AccountFactory, ContactFactory
from tests.factories.deals import CompetitorFactory, OpportunityFactory, pass_go_no_go
from tests.factories.people import TeamFactory, UserFactory

__all__ = [
    "AccountFactory",
    "CompetitorFactory",
    "ContactFactory",
    "OpportunityFactory",
    "TeamFactory",
    "UserFactory",
    "pass_go_no_go",
]
