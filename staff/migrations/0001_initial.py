"""StaffProfile moved here from `reviews` without moving data: the model is created in the
migration state only (its table `reviews_staffprofile` stays as it is), and its content type, with
the permissions granted on it, follows it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor, old, new, model):
    """Permissions and admin history point at the content type: it moves with the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model=model).exists():
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "reviews", "staff", "staffprofile")


def backwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "staff", "reviews", "staffprofile")


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
                name='StaffProfile',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('translation_languages', models.JSONField(blank=True, default=list, help_text='Languages this person may edit as a translator.', verbose_name='translates into')),
                    ('review_languages', models.JSONField(blank=True, default=list, help_text='Languages this person may approve as a medical reviewer.', verbose_name='qualified to review')),
                    ('public_credit', models.CharField(blank=True, help_text='Shown on approved pages, e.g. "Dr A. Name, neurologist".', max_length=200, verbose_name='public credit')),
                    ('public_credit_en', models.CharField(blank=True, help_text='Shown on approved pages, e.g. "Dr A. Name, neurologist".', max_length=200, null=True, verbose_name='public credit')),
                    ('public_credit_ru', models.CharField(blank=True, help_text='Shown on approved pages, e.g. "Dr A. Name, neurologist".', max_length=200, null=True, verbose_name='public credit')),
                    ('public_credit_es', models.CharField(blank=True, help_text='Shown on approved pages, e.g. "Dr A. Name, neurologist".', max_length=200, null=True, verbose_name='public credit')),
                    ('public_credit_ar', models.CharField(blank=True, help_text='Shown on approved pages, e.g. "Dr A. Name, neurologist".', max_length=200, null=True, verbose_name='public credit')),
                    ('credit_confirmed', models.CharField(blank=True, editable=False, max_length=64)),
                    ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_profile', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'staff profile',
                    'verbose_name_plural': 'staff profiles',
                    'db_table': 'reviews_staffprofile',
                },
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
