"""The first installs' playbook note named an internal document ("PRODUCT.md §3.2: ..."): give those versions the
default note, which the pages show in the reader's language."""

from django.db import migrations

OLD_NOTE = "PRODUCT.md §3.2: the article's 24 steps."
NOTE = "The article's 24 steps with the default responsibility matrix."


def forwards(apps, schema_editor):
    apps.get_model("playbook", "PlaybookVersion").objects.filter(notes=OLD_NOTE).update(notes=NOTE)


class Migration(migrations.Migration):
    dependencies = [("playbook", "0007_history_for_step_definitions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
