"""AuditEntry moved here from `reviews` without moving data: the model is created in the
migration state only (its table `reviews_auditentry` stays as it is), and its content type, with
the permissions granted on it, follows it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor, old, new, model):
    """Permissions and admin history point at the content type: it moves with the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model=model).exists():
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "reviews", "audit", "auditentry")


def backwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "audit", "reviews", "auditentry")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('reviews', '0013_models_moved_to_their_apps'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('action', models.CharField(choices=[('submit', 'Submitted'), ('approve', 'Approved'), ('request_changes', 'Changes requested'), ('withdraw', 'Withdrawn'), ('interface_string', 'Interface string changed'), ('roles', 'Roles or languages changed'), ('credit', 'Public credit changed')], max_length=20, verbose_name='action')),
                    ('kind', models.CharField(blank=True, choices=[('topic', 'Topic'), ('region', 'Body region'), ('notice', 'Site notice')], max_length=10, verbose_name='kind')),
                    ('key', models.SlugField(blank=True, verbose_name='slug')),
                    ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                    ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                    ('comment', models.TextField(blank=True, verbose_name='comment')),
                    ('fingerprint', models.CharField(blank=True, max_length=64, verbose_name='text fingerprint')),
                    ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                    ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ],
                options={
                    'verbose_name': 'audit entry',
                    'verbose_name_plural': 'audit log',
                    'db_table': 'reviews_auditentry',
                    'ordering': ['-at', '-pk'],
                },
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
