"""Recompute the stored search text of published versions with the folding search uses
now (accents, Arabic vowel marks, ё/е). Only derived text changes; what was approved
(payload and source) is untouched."""

from django.db import migrations


def refold(apps, schema_editor):
    from reviews.snapshots import search_text

    PublishedVersion = apps.get_model("reviews", "PublishedVersion")
    for version in PublishedVersion.objects.only("pk", "payload").iterator():
        PublishedVersion.objects.filter(pk=version.pk).update(
            search_text=search_text(version.payload)
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_interface_strings_permission")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
