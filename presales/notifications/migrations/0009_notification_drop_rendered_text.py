# The rendered message and the e-mailed stamp are gone: parameters and deliveries replace them.
from django.db import migrations




class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0008_notification_params_from_text'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='notification',
            name='emailed_at',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='message',
        ),
    ]
