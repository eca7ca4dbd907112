"""The admin screens for accounts and contacts save through the services (versions and history stay right)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from presales.customers.models import Account, Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(personas, login):
    personas.admin.is_staff = True
    personas.admin.is_superuser = True
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    return login(personas.admin)


def test_admin_lists_and_history_pages_render(personas, admin_client_for):
    contact = ContactFactory(account=personas.account, name="Admin Visible")
    for url in (
        reverse("admin:customers_account_changelist"),
        reverse("admin:customers_account_change", args=[personas.account.pk]),
        reverse("admin:customers_account_history", args=[personas.account.pk]),
        reverse("admin:customers_contact_changelist"),
        reverse("admin:customers_contact_change", args=[contact.pk]),
    ):
        assert admin_client_for.get(url).status_code == 200, url


def test_admin_account_change_goes_through_the_service(personas, admin_client_for):
    account = personas.account
    response = admin_client_for.post(
        reverse("admin:customers_account_change", args=[account.pk]),
        {
            "name": account.name,
            "short_name": "",
            "industry": account.industry,
            "region": account.region,
            "city": "Admin city",
            "owner": personas.teammate.pk,
            "website": "",
            "address": "",
            "notes": "",
            "external_id": "",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.city == "Admin city"
    assert account.version == 2
    assert account.team_id == personas.teammate.team_id
    assert account.history.first().history_user == personas.admin


def test_admin_contact_add_and_delete_go_through_the_services(personas, admin_client_for):
    boss = ContactFactory(account=personas.account, name="Boss")
    report = ContactFactory(account=personas.account, name="Report")
    middle_data = {
        "account": personas.account.pk,
        "name": "Middle",
        "title": "",
        "department": "",
        "level": "manager",
        "decision_role": "user",
        "attitude": "unknown",
        "influence": 3,
        "reports_to": boss.pk,
        "phone": "",
        "email": "",
        "notes": "",
        "external_id": "",
    }
    assert admin_client_for.post(reverse("admin:customers_contact_add"), middle_data).status_code == 302
    middle = Contact.objects.get(name="Middle")
    assert middle.history.first().history_user == personas.admin
    Contact.objects.filter(pk=report.pk).update(reports_to=middle)
    response = admin_client_for.post(reverse("admin:customers_contact_delete", args=[middle.pk]), {"post": "yes"})
    assert response.status_code == 302
    report.refresh_from_db()
    # The service moves the reports up to the deleted person's boss.
    assert report.reports_to == boss
    assert Account.objects.filter(pk=personas.account.pk).exists()
