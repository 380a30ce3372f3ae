"""Recomputed the stored search text of published versions with the folding search
used then. That text is gone since 0008 (search entries replace it), so there is nothing
left to recompute: kept as a no-op for the migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_interface_strings_permission")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
