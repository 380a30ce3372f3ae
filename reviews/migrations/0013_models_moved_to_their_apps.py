"""StaffProfile, AuditEntry and SearchEntry moved to their own apps (staff, audit,
search) and the interface-string permission to `strings`: removed from this app's
migration state only; their tables and rows stay (the new apps' first migrations take
them over under the same table names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0012_review_workbench"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="languageversion",
            options={
                "ordering": ["kind", "key", "language"],
                "permissions": [
                    ("submit_english", "Can submit English versions for review"),
                    ("submit_translation", "Can submit translations for review"),
                    ("approve_version", "Can approve or request changes (medical review)"),
                    ("withdraw_content", "Can withdraw content from the public site"),
                ],
                "verbose_name": "language version",
                "verbose_name_plural": "language versions",
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="searchentry",
                    name="version",
                ),
                migrations.RemoveField(
                    model_name="staffprofile",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="AuditEntry",
                ),
                migrations.DeleteModel(
                    name="SearchEntry",
                ),
                migrations.DeleteModel(
                    name="StaffProfile",
                ),
            ],
        ),
    ]
