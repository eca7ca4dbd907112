"""Django's admin stays for support staff, fully translated: its own "Go" and our apps' names in Chinese."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from presales.playbook.answer_choices import GO_NO_GO


def _chinese_admin(personas, login):
    admin = personas.admin
    admin.is_staff = True
    admin.is_superuser = True
    admin.language = "zh-hans"
    admin.save(update_fields=["is_staff", "is_superuser", "language"])
    return login(admin)


def test_admin_bulk_action_button_keeps_djangos_translation(personas, login):
    page = _chinese_admin(personas, login).get(reverse("admin:people_user_changelist")).content.decode()
    assert 'title="运行选中的动作"' in page
    assert ">执行</button>" in page
    assert "继续投入" not in page


def test_go_no_go_answer_keeps_its_own_translation():
    with translation.override("zh-hans"):
        assert [str(label) for _code, label in GO_NO_GO] == ["继续投入", "放弃"]
    with translation.override("en"):
        assert [str(label) for _code, label in GO_NO_GO] == ["Go", "No-go"]


def test_admin_index_names_every_app_in_chinese(personas, login):
    page = _chinese_admin(personas, login).get(reverse("admin:index")).content.decode()
    for name in ("客户", "商机", "人员", "流程手册", "投标与 POC", "知识库"):
        assert f">{name}</a>" in page, name
    for english in (">Customers<", ">Deals<", ">People<", ">Playbook<"):
        assert english not in page


def test_admin_index_captions_django_leaves_untranslated_are_chinese(personas, login):
    page = _chinese_admin(personas, login).get(reverse("admin:index")).content.decode()
    assert "模型名称" in page and "添加链接" in page
    assert "Model name" not in page and "Add link" not in page
