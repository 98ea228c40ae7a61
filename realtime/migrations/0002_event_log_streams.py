# The event log holds two streams (realtime.log): delivery, as before, and editors.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('realtime', '0001_delivery_event_log'),
    ]

    operations = [
        migrations.RenameModel(old_name='DeliveryEvent', new_name='LoggedEvent'),
        migrations.AddField(
            model_name='loggedevent',
            name='stream',
            field=models.CharField(default='delivery', max_length=20),
        ),
        migrations.AddIndex(
            model_name='loggedevent',
            index=models.Index(fields=['stream', 'id'], name='realtime_event_stream_id'),
        ),
    ]
