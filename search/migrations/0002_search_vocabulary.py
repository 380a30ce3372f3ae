"""Search understands people (issue 23): the vocabulary of each language (its terms, how
many live topics hold each, a word that reads it), for ranking rare words above common
ones and for "did you mean". Derived data, filled here from the live topics."""

from collections import Counter

from django.db import migrations, models

import articles.languages


def fill(apps, schema_editor):
    from search.index import vocabulary_of

    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchTerm = apps.get_model("search", "SearchTerm")
    counted: dict[str, Counter] = {}
    words: dict[tuple[str, str], tuple[int, str]] = {}
    for entry in SearchEntry.objects.select_related("version").iterator(chunk_size=500):
        vocabulary = vocabulary_of(entry.version.payload, entry.language)
        counted.setdefault(entry.language, Counter()).update(vocabulary.keys())
        for term, (rank, word) in vocabulary.items():
            best = words.get((entry.language, term))
            if best is None or (rank, len(word), word) < (best[0], len(best[1]), best[1]):
                words[entry.language, term] = (rank, word)
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(language=language, term=term, word=words[language, term][1], documents=n)
            for language, terms in counted.items()
            for term, n in terms.items()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=articles.languages.language_choices,
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("term", models.CharField(max_length=100, verbose_name="term")),
                ("word", models.CharField(max_length=100, verbose_name="word")),
                ("documents", models.IntegerField(default=0, verbose_name="documents")),
            ],
            options={
                "verbose_name": "search term",
                "verbose_name_plural": "search terms",
                "constraints": [
                    models.UniqueConstraint(fields=("language", "term"), name="one_search_term")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
