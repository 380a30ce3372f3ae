"""Each A–Z place names its version's key and language, so a complete list is read from
its places alone (public.readers.alphabetical). The columns have a database default
(empty), so the previous release's workers still insert places during a rolling deploy;
the A–Z page makes such places again. The existing places get theirs here, in one UPDATE;
nothing to undo (the columns go with the reverse of AddField)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_keys(apps, schema_editor):
    TitleOrder = apps.get_model("reviews", "TitleOrder")
    PublishedVersion = apps.get_model("reviews", "PublishedVersion")
    version = PublishedVersion.objects.filter(pk=OuterRef("version_id"))
    TitleOrder.objects.update(
        key=Subquery(version.values("key")[:1]),
        version_language=Subquery(version.values("language")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0027_alphabet_rules")]

    operations = [
        migrations.AddField(
            model_name="titleorder",
            name="key",
            field=models.CharField(db_default="", max_length=50),
        ),
        migrations.AddField(
            model_name="titleorder",
            name="version_language",
            field=models.CharField(db_default="", max_length=10),
        ),
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
    ]
