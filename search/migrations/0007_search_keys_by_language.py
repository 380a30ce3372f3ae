"""An index of each language's entry keys (search.models.SearchEntry), read by a search's
fallback group to leave out the English matches a visitor's language has an entry for.
Built CONCURRENTLY on PostgreSQL (reviews.online_indexes), so approvals and withdrawals
write search entries meanwhile; an interrupted build is dropped and built again."""

from django.db import migrations, models

from reviews.online_indexes import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0006_searchentry_title_spaced")]

    operations = [
        AddIndexOnline(
            model_name="searchentry",
            index=models.Index(fields=["kind", "language", "key"], name="search_keys_by_language"),
        ),
    ]
