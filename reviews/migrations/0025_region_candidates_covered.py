"""Region pages' candidates read from an index alone (the id added): the new index is
built CONCURRENTLY on PostgreSQL before the one it replaces is dropped, so a live site
has one to read all along."""

from django.conf import settings
from django.db import migrations, models

from reviews.online_indexes import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("reviews", "0024_changes_feed_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnline(
            model_name="publishedversion",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["kind", "language", "sort_title", "key", "is_current", "id"],
                name="live_titles_with_ids",
            ),
        ),
        RemoveIndexOnline(model_name="publishedversion", name="live_versions_by_title"),
    ]
