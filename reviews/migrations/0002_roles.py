"""Create the four role groups and give them their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ["article", "reliefmeasure", "preventiontip", "warningsign"]
ALL_CONTENT = [*CONTENT, "source", "bodyregion", "sitenotice"]
READ_REVIEWS = [
    ("reviews", "view_languageversion"),
    ("reviews", "view_publishedversion"),
    ("reviews", "view_auditentry"),
]


def perms(app, actions, models):
    return [(app, f"{action}_{model}") for model in models for action in actions]


ROLES = {
    "Editors": [
        *perms("articles", ["add", "change", "delete", "view"], [*CONTENT, "source"]),
        *perms("articles", ["change", "view"], ["bodyregion", "sitenotice"]),
        ("reviews", "submit_english"),
        *READ_REVIEWS,
    ],
    "Translators": [
        *perms("articles", ["change", "view"], [*CONTENT, "bodyregion", "sitenotice"]),
        ("articles", "view_source"),
        ("reviews", "submit_translation"),
        *READ_REVIEWS,
    ],
    "Medical reviewers": [
        *perms("articles", ["view"], ALL_CONTENT),
        ("reviews", "approve_version"),
        ("reviews", "withdraw_content"),
        *READ_REVIEWS,
    ],
    "Site admins": [
        *perms("articles", ["add", "change", "delete", "view"], ALL_CONTENT),
        *perms("auth", ["add", "change", "view"], ["user"]),
        ("auth", "view_group"),
        *perms("reviews", ["add", "change", "delete", "view"], ["staffprofile"]),
        ("reviews", "submit_english"),
        ("reviews", "submit_translation"),
        ("reviews", "withdraw_content"),
        *READ_REVIEWS,
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_label in ("articles", "reviews", "auth"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            ]
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
