"""The field helpers every content model uses: reader-text checks, the web address
field, the loader's hash and stored state."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import (
    ReaderText,
)

# Every reader-facing text field carries these, so the admin refuses what the loader refuses.
# (one deconstructible validator: a new rule needs no migration of every language column).
TEXT_CHECKS = [ReaderText()]
LONG_TEXT_CHECKS = [ReaderText(long=True)]


class WebAddressField(models.URLField):
    """A URL whose form reads an address typed without a scheme as https:// (Django 6's
    default; Django 5.2 assumes http:// and warns). Migrations see a plain URLField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


def short_text(verbose_name, max_length=200, **options):
    return models.CharField(verbose_name, max_length=max_length, validators=TEXT_CHECKS, **options)


def long_text(verbose_name, **options):
    return models.TextField(verbose_name, validators=LONG_TEXT_CHECKS, **options)


def loaded_text_field():
    return models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("This entry as load_content last wrote it (see articles/stored_state.py)."),
    )


def without_loaded_text(model: type[models.Model]) -> models.QuerySet:
    """`model`'s rows without their `loaded_text` (a whole entry in every language, as
    JSON), for readers that never look at it: decoding it took three quarters of reading
    200 topics (87 -> 24 ms); saving such a row leaves it as it is."""
    rows = model._default_manager.all()
    if any(field.name == "loaded_text" for field in model._meta.concrete_fields):
        return rows.defer("loaded_text")
    return rows


def content_hash_field():
    return models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of this entry in content/ at the last load_content run."),
    )
