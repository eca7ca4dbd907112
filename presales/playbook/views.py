"""The process pages: the customer's procurement stages beside our sales stages."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from presales.deals.models import Opportunity, Outcome
from presales.playbook.models import Stage


@login_required
def stages(request: HttpRequest) -> HttpResponse:
    """PRODUCT.md §3.1 as a table, with how many of the person's visible open deals sit in each stage."""
    visible = Opportunity.objects.visible_to(request.user).filter(outcome=Outcome.OPEN).values("pk")
    rows = Stage.objects.annotate(open_deals=Count("opportunities", filter=Q(opportunities__in=visible)))
    return render(request, "playbook/stages.html", {"stages": rows})
