"""SearchEntry moved here from `reviews` without moving data: the model is created in the
migration state only (its table `reviews_searchentry` stays as it is), and its content type, with
the permissions granted on it, follows it."""

import articles.languages
import django.db.models.deletion
from django.db import migrations, models


def content_type_follows(apps, schema_editor, old, new, model):
    """Permissions and admin history point at the content type: it moves with the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model=model).exists():
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "reviews", "search", "searchentry")


def backwards(apps, schema_editor):
    content_type_follows(apps, schema_editor, "search", "reviews", "searchentry")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reviews', '0013_models_moved_to_their_apps'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='SearchEntry',
                fields=[
                    ('version', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='reviews.publishedversion')),
                    ('kind', models.CharField(choices=[('topic', 'Topic'), ('region', 'Body region'), ('notice', 'Site notice')], max_length=10, verbose_name='kind')),
                    ('key', models.SlugField(verbose_name='slug')),
                    ('language', models.CharField(choices=articles.languages.language_choices, max_length=10, verbose_name='language')),
                    ('title', models.TextField(verbose_name='title terms')),
                    ('body', models.TextField(verbose_name='body terms')),
                ],
                options={
                    'verbose_name': 'search entry',
                    'verbose_name_plural': 'search entries',
                    'db_table': 'reviews_searchentry',
                    'constraints': [models.UniqueConstraint(fields=('kind', 'key', 'language'), name='one_search_entry_per_language')],
                },
            ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
