"""The A–Z page's stored order (reviews.models.TitleOrder). Nothing is filled here: the
page makes the places of versions that have none the first time it lists them, once
per language (public.readers.alphabetical), as it does whenever the alphabet's rules
change; so this migration needs no code of the alphabet's, which may change later."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0022_publishedversion_shown_title"),
    ]

    operations = [
        migrations.CreateModel(
            name="TitleOrder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=10)),
                ("rules", models.CharField(max_length=16)),
                ("sort_key", models.TextField()),
                ("initial", models.CharField(max_length=8)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="title_orders",
                        to="reviews.publishedversion",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "language"), name="one_title_order_per_language"
                    )
                ],
            },
        ),
    ]
