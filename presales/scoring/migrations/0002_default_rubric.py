from django.db import migrations


def install(apps, schema_editor):
    from presales.scoring.defaults import install_default_dimensions

    install_default_dimensions(apps.get_model("scoring", "CapabilityDimension"))
    weights = apps.get_model("scoring", "ScoringWeights")
    if not weights.objects.exists():
        weights.objects.create(results=40, visits=20, capability=20, rating=20)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
