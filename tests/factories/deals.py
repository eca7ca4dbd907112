import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from presales.deals import services
from presales.deals.models import Competitor, DealStep, Opportunity
from presales.playbook.models import AnswerKind


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


def pass_go_no_go(deal: Opportunity, actor=None):  # noqa: ANN001, ANN201 - a test helper
    """Answer the deal's go/no-go step "go" through the checklist service, so the stage gate lets moves through."""
    step = DealStep.objects.select_related("opportunity", "definition").get(
        opportunity=deal, definition__answer_kind=AnswerKind.GO_NO_GO
    )
    return services.deal_step_complete(
        actor=actor or deal.sales_owner, step=step, answer={"decision": "go", "investment": "normal", "reason": "ok"}
    )
