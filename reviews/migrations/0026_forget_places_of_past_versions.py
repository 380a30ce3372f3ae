"""The A–Z places of versions no longer live (replaced, held or withdrawn before places
were dropped with them): no list reads them. One DELETE; nothing to undo (the A–Z page
makes any missing place again)."""

from django.db import migrations


def forget_past_places(apps, schema_editor):
    TitleOrder = apps.get_model("reviews", "TitleOrder")
    TitleOrder.objects.filter(version__is_current=False).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0025_region_candidates_covered")]

    operations = [migrations.RunPython(forget_past_places, migrations.RunPython.noop)]
