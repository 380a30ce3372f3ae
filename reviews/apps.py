from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """The review workflow: the registry of reviewed kinds, rendering at approval, the
    workflow's actions, diffs, cache invalidation after a publication, the review admin."""

    name = "reviews"
    verbose_name = _("Medical review")
