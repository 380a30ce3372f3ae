"""The queue's copy of each language version's due date (reviews.planning), filled from
the live published versions for existing rows."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_due_dates(apps, schema_editor):
    LanguageVersion = apps.get_model("reviews", "LanguageVersion")
    PublishedVersion = apps.get_model("reviews", "PublishedVersion")
    live = PublishedVersion.objects.filter(
        is_current=True, kind=OuterRef("kind"), key=OuterRef("key"), language=OuterRef("language")
    )
    LanguageVersion.objects.update(review_due=Subquery(live.values("next_review_due")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0017_publishedversion_codes_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="languageversion",
            name="review_due",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="review due"
            ),
        ),
        migrations.RunPython(copy_due_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="languageversion",
            index=models.Index(
                fields=["status", "review_due", "submitted_at"], name="queue_by_due"
            ),
        ),
        migrations.AddIndex(
            model_name="languageversion",
            index=models.Index(fields=["review_due", "submitted_at"], name="queue_all_by_due"),
        ),
    ]
