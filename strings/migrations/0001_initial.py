"""The permission to edit interface strings belongs to this app (it hung on the review
workflow's LanguageVersion): the existing permission row, with every group and person it
is granted to, moves to this app's content type."""

from django.db import migrations, models


def move_permission(apps, old_app, old_model, new_app, new_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    target, _created = ContentType.objects.get_or_create(app_label=new_app, model=new_model)
    Permission.objects.filter(
        content_type__app_label=old_app,
        content_type__model=old_model,
        codename="edit_interface_strings",
    ).update(content_type=target)


def forwards(apps, schema_editor):
    move_permission(apps, "reviews", "languageversion", "strings", "interfacestrings")


def backwards(apps, schema_editor):
    move_permission(apps, "strings", "interfacestrings", "reviews", "languageversion")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reviews', '0013_models_moved_to_their_apps'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='InterfaceStrings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'interface strings',
                'verbose_name_plural': 'interface strings',
                'permissions': [('edit_interface_strings', 'Can edit interface strings of assigned languages')],
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
