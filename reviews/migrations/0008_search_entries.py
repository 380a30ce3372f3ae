"""Real search (issue 13): a search entry per live topic version, indexed by the
database's full-text engine (an FTS5 table on SQLite, a tsvector with a GIN index on
PostgreSQL, see reviews/search_index.py), and a folded title to sort lists by.

The entries replace PublishedVersion.search_text (a folded copy of the payload that
search scanned with LIKE): the payload's words are now stored once, as terms, in the
index. Only derived data changes; what was approved (payload and source) is untouched.
"""

import django.db.models.deletion
from django.db import migrations, models

import reviews.models


def create_engine(apps, schema_editor):
    from search.index import engine_schema

    create, _drop = engine_schema(schema_editor.connection.vendor)
    for statement in create:
        schema_editor.execute(statement)


def drop_engine(apps, schema_editor):
    from search.index import engine_schema

    _create, drop = engine_schema(schema_editor.connection.vendor)
    for statement in drop:
        schema_editor.execute(statement)


def fill(apps, schema_editor):
    """Sort titles and search entries of what is already published."""
    from search.folding import fold, plain_texts
    from search.index import terms

    PublishedVersion = apps.get_model("reviews", "PublishedVersion")
    SearchEntry = apps.get_model("reviews", "SearchEntry")
    for version in PublishedVersion.objects.only("pk", "key", "payload").iterator():
        title = version.payload.get("title") or version.payload.get("name") or version.key
        PublishedVersion.objects.filter(pk=version.pk).update(sort_title=fold(title))
    live_topics = PublishedVersion.objects.filter(is_current=True, kind="topic")
    for version in live_topics.iterator():
        payload = version.payload
        body = plain_texts(payload, skip=frozenset({"title", "name"}))
        SearchEntry.objects.create(
            version=version,
            kind=version.kind,
            key=version.key,
            language=version.language,
            title=" ".join(terms(payload.get("title") or "", version.language)),
            body=" ".join(terms(" ".join(body), version.language)),
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_contributors_and_confirmed_credits")]

    operations = [
        migrations.RemoveField(model_name="publishedversion", name="search_text"),
        migrations.AddField(
            model_name="publishedversion",
            name="sort_title",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="reviews.publishedversion",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("topic", "Topic"),
                            ("region", "Body region"),
                            ("notice", "Site notice"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("key", models.SlugField(verbose_name="slug")),
                (
                    "language",
                    models.CharField(
                        choices=reviews.models.language_choices,
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("title", models.TextField(verbose_name="title terms")),
                ("body", models.TextField(verbose_name="body terms")),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "key", "language"), name="one_search_entry_per_language"
                    )
                ],
            },
        ),
        migrations.RunPython(create_engine, drop_engine),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
