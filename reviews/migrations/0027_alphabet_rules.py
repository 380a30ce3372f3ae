"""The alphabet's rules in the order first seen, so that during a rolling deploy a worker
of the older release never makes again the A–Z places the newer one made (a new, empty
table: its unique index is built with it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0026_forget_places_of_past_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="AlphabetRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rules", models.CharField(max_length=16, unique=True)),
            ],
        ),
    ]
