# A notification stores its kind's template variant and parameters; the text is rendered when read or sent.
from django.db import migrations, models




class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_no_links_upward'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='legacy_text',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='notification',
            name='variant',
            field=models.CharField(default='default', max_length=20),
        ),
    ]
