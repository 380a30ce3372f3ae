"""Cache invalidations after a publication, retried until they succeed."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvalidationQuerySet(models.QuerySet):
    def pending(self):
        """Not yet applied to the page cache or not yet to every HTTP cache in front."""
        return self.filter(
            models.Q(page_cache_done_at__isnull=True) | models.Q(frontends_done_at__isnull=True)
        )


class Invalidation(models.Model):
    """The outbox of cache invalidations (reviews.publication): written in the transaction
    of the approval or withdrawal that makes it necessary, applied after the commit to the
    shared page cache and to every HTTP cache in front, and retried until both succeed."""

    seq = models.BigAutoField(primary_key=True)
    tags = models.JSONField(_("tags"))
    reason = models.CharField(_("reason"), max_length=200)
    # A re-approval (the pages showed an approved version before it and show one after;
    # not a first publication, nor one after a withdrawal, which must show at once):
    # while a page is rendered again, its previous copy may be served. Never for a
    # withdrawal, a site notice or "everything" (reviews.publication).
    grace = models.BooleanField(_("previous copies may be served while re-rendered"), default=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    page_cache_done_at = models.DateTimeField(_("page cache invalidated"), null=True, blank=True)
    frontends_done_at = models.DateTimeField(_("HTTP caches purged"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = InvalidationQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("cache invalidation")
        verbose_name_plural = _("cache invalidations")
        indexes = [
            # The pending ones are read on every request where the page cache is shared.
            models.Index(
                fields=["seq"],
                name="invalidation_pending",
                condition=models.Q(page_cache_done_at__isnull=True)
                | models.Q(frontends_done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.reason}"

    @property
    def pending(self) -> bool:
        return self.page_cache_done_at is None or self.frontends_done_at is None
