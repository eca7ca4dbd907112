# The checklist's tables take the deals app's names (a rename: the rows, indexes and constraints stay), and its
# content types follow, so permissions, admin log entries and history keep pointing at the same models.

from django.db import migrations

MODELS = ("dealplaybook", "dealstep", "historicaldealplaybook", "historicaldealstep")


def move_content_types(apps, schema_editor, source="playbook", target="deals"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="deals", target="playbook")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deals", "0003_checklist_moves_in"),
        ("playbook", "0006_checklist_moves_to_deals"),
    ]

    operations = [
        migrations.AlterModelTable(name="dealplaybook", table=None),
        migrations.AlterModelTable(name="historicaldealplaybook", table=None),
        migrations.AlterModelTable(name="dealstep", table=None),
        migrations.AlterModelTable(name="historicaldealstep", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
