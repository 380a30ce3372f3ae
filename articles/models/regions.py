"""The body regions a visitor browses by."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import (
    MAX_SHORT_DESCRIPTION,
)
from .fields import (
    content_hash_field,
    loaded_text_field,
    long_text,
    short_text,
)


class BodyRegion(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = short_text(_("name"), max_length=100)
    description = short_text(
        _("short description"),
        max_length=MAX_SHORT_DESCRIPTION,
        blank=True,
        help_text=_("At most 160 characters, for lists, search results and the API."),
    )
    notice = long_text(
        _("region notice"),
        blank=True,
        help_text=_(
            "Shown on the region page and its topics, e.g. chest pain can be a heart attack."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    content_hash = content_hash_field()
    loaded_text = loaded_text_field()

    content_parts: dict[str, str] = {}
    plain_text_fields = ("name", "description")

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("body region")
        verbose_name_plural = _("body regions")

    def __str__(self) -> str:
        return self.name or self.slug
