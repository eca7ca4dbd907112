"""The one place that decides who sees and changes what (docs/domain.md, Roles and Visibility).

A person sees the deals they work on, their own team's deals, and, as a manager, the deals of every team in the
department they manage; an administrator sees everything. Accounts and contacts follow: you see an account you own,
one owned in a team you see, or one where you can see a deal. Pages, exports and the API all call these functions
(each model's `visible_to(user)` queryset method calls the rule for its rows), so a rule changes here and nowhere
else.

This package sits right above `people`: it imports only `core` and `people`. Rules about rows of the apps above it
are written as conditions on field names and reach related models through those relations (`related_model`), so the
domain apps can call them without an import cycle. Modules by subject; everything is re-exported here, so callers
write `access.can_edit_opportunity(user, deal)`.
"""

from presales.access.administration import (
    assignable_roles,
    can_import,
    can_import_activities,
    can_import_contacts,
    can_manage_people,
    can_manage_person,
    can_manage_team_channels,
    can_manage_team_members,
    can_manage_webhooks,
    can_open_admin_site,
    can_open_people_pages,
    import_jobs_visible_to,
    people_visible_to,
    teams_visible_to,
    webhook_deliveries_visible_to,
)
from presales.access.customers import (
    accounts_visible_to,
    can_create_account,
    can_edit_account,
    can_edit_contact,
    can_edit_contacts,
    contacts_visible_to,
)
from presales.access.deals import (
    can_create_opportunity,
    can_edit_competitors,
    can_edit_opportunity,
    can_edit_playbook,
    can_move_deal_playbook,
    can_see_accountability_board,
    can_work_on_deal,
    can_work_step,
    deal_records_visible_to,
    opportunities_visible_to,
    visible_opportunities,
)
from presales.access.knowledge import can_create_knowledge, can_edit_knowledge, knowledge_items_visible_to
from presales.access.scope import Scope, has_role, is_active, scope_for
from presales.access.scoring import (
    can_edit_scoring_weights,
    can_manage_scoring,
    can_read_scorecards,
    can_score_capability,
    can_see_scorecard,
    can_see_team_dashboards,
    sales_ratings_visible_to,
    scorecard_engineers_visible_to,
    scorecard_records_visible_to,
)
from presales.access.work import (
    activities_visible_to,
    can_cancel_request,
    can_create_request,
    can_decide_request,
    can_edit_activity,
    can_log_activity,
    can_log_activity_for,
    can_see_week_of,
    can_see_workload,
    can_work_request,
    colleagues_visible_to,
    support_requests_visible_to,
    watches_request_queue,
)

__all__ = [
    "Scope",
    "assignable_roles",
    "accounts_visible_to",
    "activities_visible_to",
    "can_cancel_request",
    "can_create_account",
    "can_create_knowledge",
    "can_create_opportunity",
    "can_create_request",
    "can_decide_request",
    "can_edit_account",
    "can_edit_activity",
    "can_edit_competitors",
    "can_edit_contact",
    "can_edit_contacts",
    "can_edit_knowledge",
    "can_edit_opportunity",
    "can_edit_playbook",
    "can_edit_scoring_weights",
    "can_import",
    "can_import_activities",
    "can_import_contacts",
    "can_log_activity",
    "can_log_activity_for",
    "can_manage_people",
    "can_manage_person",
    "can_manage_team_members",
    "can_open_people_pages",
    "can_manage_team_channels",
    "can_manage_webhooks",
    "webhook_deliveries_visible_to",
    "can_manage_scoring",
    "can_move_deal_playbook",
    "can_open_admin_site",
    "can_read_scorecards",
    "can_score_capability",
    "can_see_accountability_board",
    "can_see_scorecard",
    "can_see_team_dashboards",
    "can_see_week_of",
    "can_see_workload",
    "can_work_on_deal",
    "can_work_request",
    "can_work_step",
    "colleagues_visible_to",
    "contacts_visible_to",
    "deal_records_visible_to",
    "has_role",
    "import_jobs_visible_to",
    "is_active",
    "knowledge_items_visible_to",
    "opportunities_visible_to",
    "people_visible_to",
    "sales_ratings_visible_to",
    "scope_for",
    "scorecard_engineers_visible_to",
    "scorecard_records_visible_to",
    "support_requests_visible_to",
    "teams_visible_to",
    "visible_opportunities",
    "watches_request_queue",
]
