"""An administrator adds a person in the app, puts them in a team with skills; the person sets a password through
the e-mailed link, signs in and sees their team's deals."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from presales.people.models import Skill, User
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Browser-journey-passw0rd"  # noqa: S105


def test_admin_adds_a_person_who_signs_in_through_the_emailed_link(browser, page, live_server, personas):
    skill = Skill.objects.create(name="存储", name_en="Storage")
    sign_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/people/staff/")
    page.click("a:has-text('Add a person')")
    page.fill("input[name=username]", "xiaoli")
    page.fill("input[name=display_name]", "Xiao Li")
    page.fill("input[name=email]", "xiaoli@example.com")
    page.select_option("select[name=role]", "sales")
    page.select_option("select[name=team]", label="East sales")
    page.fill("input[name=weekly_capacity_hours]", "36")
    page.fill("input[name=weekly_visit_quota]", "5")
    page.fill("input[name=revenue_target]", "3000000")
    page.select_option(f"select[name=skill_{skill.pk}]", "4")
    page.click("button:has-text('Add and send the invitation')")
    page.wait_for_url(re.compile(r"/people/staff/\d+/$"))
    assert page.locator("h1").inner_text().startswith("Xiao Li")
    assert "Storage · 4/5" in page.locator("main").inner_text()
    person = User.objects.get(username="xiaoli")
    assert person.team == personas.owner.team and not person.has_usable_password()

    (invitation,) = [message for message in mail.outbox if message.to == ["xiaoli@example.com"]]
    link = re.search(r"https?://\S+/welcome/\S+/", invitation.body).group(0)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    newcomer = context.new_page()
    newcomer.set_default_timeout(10_000)
    newcomer.goto(link)
    assert "Your user name is xiaoli." in newcomer.locator("main").inner_text()
    newcomer.fill("input[name=new_password1]", NEW_PASSWORD)
    newcomer.fill("input[name=new_password2]", NEW_PASSWORD)
    newcomer.click("button:has-text('Set password')")
    newcomer.wait_for_url(f"{live_server.url}/login/")
    assert "Your password is set." in newcomer.locator("main").inner_text()
    sign_in(newcomer, live_server, "xiaoli", NEW_PASSWORD)
    newcomer.goto(f"{live_server.url}/deals/")
    assert "数据中心升级" in newcomer.locator("main").inner_text()
    context.close()
