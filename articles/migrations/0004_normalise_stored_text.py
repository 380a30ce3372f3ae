"""Existing texts in the normal form new saves use (articles/text.py): LF line ends, no
trailing white space, Unicode NFC. Texts already in that form are not written."""

from django.db import migrations, models

from articles.text import normalise_text

MODELS = (
    "BodyRegion",
    "Article",
    "ReliefMeasure",
    "PreventionTip",
    "WarningSign",
    "Reference",
    "SiteNotice",
    "EmergencyNumber",
)


def _text_fields(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField)
        and not field.choices
    ]


def normalise(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("articles", name)
        fields = _text_fields(model)
        changed = []
        for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
            dirty = False
            for field in fields:
                value = getattr(row, field)
                if isinstance(value, str) and normalise_text(value) != value:
                    setattr(row, field, normalise_text(value))
                    dirty = True
            if dirty:
                changed.append(row)
        model.objects.bulk_update(changed, fields, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_urgency_labels_for_editors"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
