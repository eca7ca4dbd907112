"""The generic views (core.views) as the pages use them: the htmx partial of a list, the edit view's handling of a lost
race and of a service's refusal, the delete view, paging."""

from __future__ import annotations

import pytest
from django.urls import reverse

from presales.customers import services as customer_services
from presales.customers.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


def test_htmx_sort_returns_only_the_results_and_fresh_download_links(personas, login):
    AccountFactory(name="Zeta", owner=personas.owner)
    client = login(personas.owner)
    page = client.get(reverse("customers:account_list"), {"ordering": "name"}).content.decode()
    assert "<html" in page and 'id="list-results"' in page

    partial = client.get(reverse("customers:account_list"), {"ordering": "name"}, **HTMX_RESULTS).content.decode()
    assert "<html" not in partial and "filter-bar" not in partial, "only the results block"
    assert partial.lstrip().startswith('<div id="list-results">')
    assert partial.index("Zeta") < partial.index("华东银行"), "sorted as asked"
    assert 'hx-swap-oob="true"' in partial and "ordering=name" in partial.split("hx-swap-oob")[1], (
        "the download buttons are swapped out of band so they keep the new order"
    )


def test_a_history_restore_gets_the_whole_page(personas, login):
    response = login(personas.owner).get(
        reverse("customers:account_list"), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX_RESULTS
    )
    assert "<html" in response.content.decode()


def test_sort_and_page_links_re_render_the_results_in_place(personas, login, settings):
    settings.PRESALES_PAGE_SIZE = 1
    AccountFactory(name="Second", owner=personas.owner)
    html = login(personas.owner).get(reverse("customers:account_list")).content.decode()
    assert 'hx-get="?ordering=name" hx-target="#list-results"' in html
    assert 'rel="next" hx-get="?page=2" hx-target="#list-results"' in html


def test_edit_conflict_keeps_what_was_typed_and_the_next_save_goes_through(personas, login):
    contact = ContactFactory(account=personas.account, name="张总", title="CIO")
    url = reverse("customers:contact_edit", args=[contact.pk])
    client = login(personas.owner)
    form = client.get(url).context["form"]
    stale_version = form["version"].value()
    customer_services.contact_update(
        actor=personas.owner, contact=contact, expected_version=contact.version, title="CTO"
    )
    data = {"name": "张总", "title": "CEO", "level": contact.level, "decision_role": contact.decision_role}
    data.update(attitude=contact.attitude, influence=contact.influence, version=stale_version)

    refused = client.post(url, data)
    assert refused.status_code == 200 and refused.context["conflict"] is not None
    assert Contact.objects.get(pk=contact.pk).title == "CTO", "nothing was overwritten"
    again = refused.context["form"]
    assert again["title"].value() == "CEO", "what the person typed is kept"
    assert int(again["version"].value()) == Contact.objects.get(pk=contact.pk).version

    data["version"] = again["version"].value()
    assert client.post(url, data).status_code == 302
    assert Contact.objects.get(pk=contact.pk).title == "CEO"


def test_edit_view_puts_a_service_refusal_on_the_field(personas, login):
    boss = ContactFactory(account=personas.account, name="Boss")
    report = ContactFactory(account=personas.account, name="Report", reports_to=boss)
    url = reverse("customers:contact_edit", args=[boss.pk])
    client = login(personas.owner)
    data = {"name": "Boss", "level": boss.level, "decision_role": boss.decision_role, "attitude": boss.attitude}
    data.update(influence=boss.influence, version=boss.version, reports_to=report.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors.get("reports_to"), "a reporting loop is refused on its field"


def test_delete_view_confirms_then_deletes_and_forbids_outsiders(personas, login):
    contact = ContactFactory(account=personas.account, name="To go")
    url = reverse("customers:contact_delete", args=[contact.pk])
    assert login(personas.outsider).post(url).status_code == 404
    owner = login(personas.owner)
    assert owner.get(url).context["contact"] == contact, "a confirmation page first"
    response = owner.post(url)
    assert response.status_code == 302 and response["Location"] == personas.account.get_absolute_url()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_post_only_delete_refuses_get(personas, login):
    from presales.knowledge import services as knowledge_services

    item = knowledge_services.knowledge_item_create(actor=personas.engineer, kind="solution", title="Keep me")
    response = login(personas.engineer).get(reverse("knowledge:delete", args=[item.pk]))
    assert response.status_code == 405


def test_list_page_out_of_range_shows_the_last_page(personas, login, settings):
    settings.PRESALES_PAGE_SIZE = 1
    AccountFactory(name="Second", owner=personas.owner)
    response = login(personas.owner).get(reverse("customers:account_list"), {"page": "99"})
    assert response.context["page_obj"].number == 2
