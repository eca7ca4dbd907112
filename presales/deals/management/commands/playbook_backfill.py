"""Give every deal that has no step checklist yet (created before the playbook existed) its checklist."""

from django.core.management.base import BaseCommand

from presales.deals.models import Opportunity
from presales.deals.services import deal_playbook_start


class Command(BaseCommand):
    help = "Create the playbook checklist for deals that do not have one."

    def handle(self, *args, **options):
        created = 0
        for opportunity in Opportunity.objects.filter(playbook__isnull=True).iterator(chunk_size=200):
            if deal_playbook_start(opportunity=opportunity):
                created += 1
        self.stdout.write(f"checklists created: {created}")
