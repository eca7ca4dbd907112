"""The people and teams pages: the list, a person's page (skills, open work, hand-over, deactivate), invite and edit
forms, the team tree and team forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from presales import access
from presales.core.history import history_entries
from presales.core.views import ObjectEditView, ObjectListView, requires, run_action, submit_form
from presales.people.models import Team, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.staff import selectors, services
from presales.staff.filters import PersonFilterSet
from presales.staff.forms import DeactivateForm, HandOverForm, PersonForm, TeamForm
from presales.staff.tables import PersonTable


def _base_url(request: Any) -> str:
    """The site's address as the person inviting sees it: the invitation links back to the same place."""
    return request.build_absolute_uri("/")


def _person_for(request: Any, pk: int) -> User:
    """A person the visitor may see on these pages (404 otherwise, never revealing who exists)."""
    if not access.can_open_people_pages(request.user):
        raise Http404
    return get_object_or_404(access.people_visible_to(request.user, User.objects.select_related("team")), pk=pk)


class PersonListView(ObjectListView):
    queryset = User.objects.select_related("team")
    filterset_class = PersonFilterSet
    table_class = PersonTable
    template_name = "staff/person_list.html"
    context_object_name = "people"
    export_basename = "people"

    def has_permission(self, request: Any) -> bool:
        return access.can_open_people_pages(request.user)

    def get_queryset(self, request: Any) -> Any:
        return access.people_visible_to(request.user, self.queryset)

    def get_extra_context(self, request: Any, rows: Any) -> dict[str, Any]:
        return {"can_manage_people": access.can_manage_people(request.user)}


person_list = PersonListView.as_view()


class PersonEditView(ObjectEditView):
    """Invite a person (no pk) or change one: account, role, team, capacity, targets and skill levels."""

    queryset = User.objects.select_related("team")
    form_class = PersonForm
    template_name = "staff/person_form.html"
    context_object_name = "person"
    created_message = gettext_lazy("%(name)s was added; an e-mail with a link to choose a password is on its way.")
    updated_message = gettext_lazy("%(name)s was saved.")

    def get_object(self, request: Any, **kwargs: Any) -> Any:
        if "pk" in kwargs:
            return _person_for(request, kwargs["pk"])
        return User()

    def has_permission(self, request: Any, obj: Any) -> bool:
        if self.is_new(obj):
            return access.can_open_people_pages(request.user)
        return access.can_manage_person(request.user, obj)

    def get_form_kwargs(self, request: Any, obj: Any) -> dict[str, Any]:
        return {"actor": request.user}

    def create(self, request: Any, form: Any, obj: Any) -> Any:
        return services.person_invite(
            actor=request.user,
            username=form.cleaned_data["username"],
            base_url=_base_url(request),
            skill_levels=form.skill_levels(),
            **form.service_data(),
        )

    def update(self, request: Any, form: Any, obj: Any) -> Any:
        return services.person_update(
            actor=request.user, person=obj, skill_levels=form.skill_levels(), **form.service_data()
        )

    def get_success_url(self, request: Any, obj: Any) -> str:
        return reverse("staff:person_detail", args=[obj.pk])


person_create = PersonEditView.as_view()
person_edit = PersonEditView.as_view()


@login_required
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One person: account, targets, skills, open work with the hand-over, deactivate or reactivate, history."""
    person = _person_for(request, pk)
    return _render_person(request, person)


def _render_person(request: AuthenticatedHttpRequest, person: User, **forms: Any) -> HttpResponse:
    can_manage = access.can_manage_person(request.user, person)
    context = {
        "person": person,
        "skills": person.skills.select_related("skill").order_by("-level", "skill__name"),
        "work": selectors.open_work(person),
        "can_manage": can_manage,
        "handover_form": forms.get("handover_form") or HandOverForm(person=person),
        "deactivate_form": forms.get("deactivate_form") or DeactivateForm(),
        "history": history_entries(person, limit=20),
    }
    return render(request, "staff/person_detail.html", context, status=400 if forms else 200)


def _managed_person(request: AuthenticatedHttpRequest, pk: int) -> User:
    person = _person_for(request, pk)
    if not access.can_manage_person(request.user, person):
        raise PermissionDenied
    return person


@login_required
@require_POST
def person_hand_over(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give the person's open deals to the colleagues chosen."""
    person = _managed_person(request, pk)
    form = HandOverForm(request.POST, person=person)
    result = submit_form(
        form, lambda: services.work_hand_over(actor=request.user, person=person, **form.cleaned_data), keep_typed=False
    )
    if result.ok:
        count = result.value or 0
        text = ngettext("%(count)s open deal was handed over.", "%(count)s open deals were handed over.", count)
        messages.success(request, text % {"count": count})
        return redirect("staff:person_detail", pk=person.pk)
    return _render_person(request, person, handover_form=form)


@login_required
@require_POST
def person_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    form = DeactivateForm(request.POST)
    result = submit_form(
        form,
        lambda: services.person_deactivate(actor=request.user, person=person, **form.cleaned_data),
        keep_typed=False,
    )
    if result.ok:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": person})
        return redirect("staff:person_detail", pk=person.pk)
    return _render_person(request, person, deactivate_form=form)


@login_required
@require_POST
def person_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    if run_action(request, lambda: services.person_reactivate(actor=request.user, person=person)).ok:
        messages.success(request, _("%(name)s can sign in again.") % {"name": person})
    return redirect("staff:person_detail", pk=person.pk)


@login_required
@require_POST
def person_invite_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    call = lambda: services.person_invitation_resend(  # noqa: E731 - one call, named for readability
        actor=request.user, person=person, base_url=_base_url(request)
    )
    if run_action(request, call).ok:
        messages.success(request, _("A new link to choose a password was sent to %(email)s.") % {"email": person.email})
    return redirect("staff:person_detail", pk=person.pk)


@login_required
@requires(access.can_open_people_pages)
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team tree with each team's manager and number of active members."""
    context = {"tree": selectors.team_tree(request.user), "can_manage_people": access.can_manage_people(request.user)}
    return render(request, "staff/team_list.html", context)


class TeamEditView(ObjectEditView):
    queryset = Team.objects.select_related("manager", "parent")
    form_class = TeamForm
    template_name = "staff/team_form.html"
    context_object_name = "team"
    created_message = gettext_lazy("The team %(name)s was created.")
    updated_message = gettext_lazy("The team %(name)s was saved.")

    def get_object(self, request: Any, **kwargs: Any) -> Any:
        if "pk" in kwargs:
            return get_object_or_404(access.teams_visible_to(request.user, Team.objects.all()), pk=kwargs["pk"])
        return Team()

    def has_permission(self, request: Any, obj: Any) -> bool:
        return access.can_manage_people(request.user)

    def create(self, request: Any, form: Any, obj: Any) -> Any:
        return services.team_save(actor=request.user, **form.cleaned_data)

    def update(self, request: Any, form: Any, obj: Any) -> Any:
        return services.team_save(actor=request.user, team=obj, **form.cleaned_data)

    def get_success_url(self, request: Any, obj: Any) -> str:
        return reverse("staff:team_list")


team_create = TeamEditView.as_view()
team_edit = TeamEditView.as_view()
