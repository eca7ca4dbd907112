from django.db import migrations


def forwards(apps, schema_editor):
    from presales.playbook.defaults import install_default_playbook

    install_default_playbook(
        apps.get_model("playbook", "PlaybookVersion"),
        apps.get_model("playbook", "StepDefinition"),
        apps.get_model("playbook", "Stage"),
    )


class Migration(migrations.Migration):
    dependencies = [("playbook", "0003_deal_checklist")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
