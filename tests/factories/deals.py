import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from presales.deals import services
from presales.deals.models import Competitor, Opportunity


class CompetitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competitor

    name = factory.Sequence(lambda n: f"Competitor {n}")


class OpportunityFactory(factory.django.DjangoModelFactory):
    """Pass `account=` and `sales_owner=`; created by the sales owner unless `actor=` says otherwise."""

    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Opportunity {n}")
    amount = Decimal("1000000")
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.opportunity_create(actor=actor or kwargs["sales_owner"], **kwargs)
