"""Sign in, profile and preferences, password change, language and time zone."""

import zoneinfo

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from presales.people.middleware import UserPreferencesMiddleware
from tests.conftest import PASSWORD


def test_anonymous_is_sent_to_login(db):
    for name in ("web:home", "people:profile", "people:password_change"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))


def test_login_with_wrong_password_keeps_the_username(personas):
    response = Client().post(reverse("people:login"), {"login": "owner", "password": "nope"})
    assert response.status_code == 200
    assert 'value="owner"' in response.content.decode()
    assert "alert-error" in response.content.decode()


def test_login_and_logout(personas):
    client = Client()
    response = client.post(reverse("people:login"), {"login": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    client.post(reverse("people:logout"))
    assert client.get(reverse("web:home")).status_code == 302


def test_profile_saves_preferences_and_keeps_typed_values_on_error(personas, login):
    client = login(personas.owner)
    response = client.post(
        reverse("people:profile"),
        {
            "display_name": "王小明",
            "email": "not-an-email",
            "phone": "123",
            "language": "zh-hans",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 200
    assert "王小明" in response.content.decode()
    personas.owner.refresh_from_db()
    assert personas.owner.display_name == "Owner Wang"

    response = client.post(
        reverse("people:profile"),
        {
            "display_name": "王小明",
            "email": "w@example.com",
            "phone": "123",
            "language": "zh-hans",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    personas.owner.refresh_from_db()
    assert (personas.owner.display_name, personas.owner.timezone) == ("王小明", "Asia/Tokyo")


def test_language_follows_the_browser_until_the_person_chooses(personas, login):
    client = login(personas.owner)
    response = client.get(reverse("web:home"), headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-hans">' in response.content.decode()
    client.post(reverse("people:set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("web:home"), headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '<html lang="en">' in response.content.decode()
    personas.owner.refresh_from_db()
    assert personas.owner.language == "en"


def test_set_language_refuses_foreign_redirects(personas, login):
    response = login(personas.owner).post(
        reverse("people:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_time_zone_is_the_persons(personas, login):
    personas.owner.timezone = "Europe/London"
    personas.owner.save(update_fields=["timezone"])
    seen = {}

    def capture(request):
        seen["tz"] = timezone.get_current_timezone_name()

    request = type("R", (), {"user": personas.owner, "path": "/"})()
    UserPreferencesMiddleware(lambda r: capture(r) or object())(request)
    assert seen["tz"] == "Europe/London"
    assert zoneinfo.ZoneInfo(settings.PRESALES_DEFAULT_TIMEZONE).key == "Asia/Shanghai"


def test_password_change(personas, login):
    client = login(personas.owner)
    response = client.post(
        reverse("people:password_change"),
        {"old_password": "wrong", "new_password1": "Ne3w-passw0rd!", "new_password2": "Ne3w-passw0rd!"},
    )
    assert response.status_code == 200
    assert "error" in response.content.decode()
    response = client.post(
        reverse("people:password_change"),
        {"old_password": PASSWORD, "new_password1": "Ne3w-passw0rd!", "new_password2": "Ne3w-passw0rd!"},
    )
    assert response.status_code == 302
    personas.owner.refresh_from_db()
    assert personas.owner.check_password("Ne3w-passw0rd!")


def test_home_shows_only_visible_pipeline(personas, login):
    response = login(personas.owner).get(reverse("web:home"))
    assert response.status_code == 200
    assert "数据中心升级" in response.content.decode()
    response = login(personas.outsider).get(reverse("web:home"))
    assert "数据中心升级" not in response.content.decode()
    assert response.context["summary"]["open_count"] == 0


def test_process_page_lists_both_views(personas, login):
    response = login(personas.outsider).get(reverse("playbook:stages"))
    body = response.content.decode()
    assert "决策部门" in body or "Leadership" in body
    # The outsider sees no open deal counted in any stage.
    assert all(stage.open_deals == 0 for stage in response.context["stages"])
    owner_stages = login(personas.owner).get(reverse("playbook:stages")).context["stages"]
    assert sum(stage.open_deals for stage in owner_stages) == 1
