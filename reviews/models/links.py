"""Where a published snapshot is linked from: its regions and its related topics."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .published import PublishedVersion


class Placement(models.Model):
    """Part of a frozen topic snapshot: a region it was approved under, by slug, so that
    editing or deleting a region row never changes what a published topic lists."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="placements"
    )
    region = models.SlugField(_("region"))

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["version", "region"], name="one_placement_per_region")
        ]
        indexes = [models.Index(fields=["region", "version"])]

    def __str__(self) -> str:
        return f"{self.version_id} in {self.region}"


class RelatedLink(models.Model):
    """Part of a frozen topic snapshot, like a Placement: a related topic it was approved
    with, by slug. The page shows it while that topic is live; this index answers which
    live topics link to a topic (what withdrawing it changes)."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="related_links"
    )
    topic = models.SlugField(_("related topic"))

    class Meta:
        verbose_name = _("related topic link")
        verbose_name_plural = _("related topic links")
        constraints = [
            models.UniqueConstraint(fields=["version", "topic"], name="one_link_per_related_topic")
        ]
        indexes = [models.Index(fields=["topic", "version"])]

    def __str__(self) -> str:
        return f"{self.version_id} links to {self.topic}"
