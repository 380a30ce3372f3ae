"""What can be reviewed and published: the kinds of content. The review workflow, the
audit log and search all name an item by its kind and key (slug)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentKind(models.TextChoices):
    """What can be reviewed: a topic, a body region, or a site notice (by its slug/key)."""

    TOPIC = "topic", _("Topic")
    REGION = "region", _("Body region")
    NOTICE = "notice", _("Site notice")
