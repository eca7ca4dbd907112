"""Install the default response-time targets (larger deals are triaged and answered faster)."""

from django.db import migrations


def install(apps, schema_editor):
    from presales.work.defaults import DEFAULT_RESPONSE_TARGETS

    ResponseTarget = apps.get_model("work", "ResponseTarget")
    for min_amount, triage, response in DEFAULT_RESPONSE_TARGETS:
        ResponseTarget.objects.get_or_create(
            min_amount=min_amount, defaults={"hours_to_triage": triage, "hours_to_first_response": response}
        )


class Migration(migrations.Migration):
    dependencies = [("work", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
