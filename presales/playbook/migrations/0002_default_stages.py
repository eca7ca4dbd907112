from django.db import migrations


def forwards(apps, schema_editor):
    from presales.playbook.defaults import install_default_stages

    install_default_stages(apps.get_model("playbook", "Stage"))


class Migration(migrations.Migration):
    dependencies = [("playbook", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
