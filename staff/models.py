"""Per-person facts of staff accounts. The table keeps its first name
(`reviews_staffprofile`): the model moved here from `reviews` without moving data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.languages import language_choices


class StaffProfile(models.Model):
    """Per-person facts the groups cannot hold: languages and the public credit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    translation_languages = models.JSONField(
        _("translates into"),
        default=list,
        blank=True,
        help_text=_("Languages this person may edit as a translator."),
    )
    review_languages = models.JSONField(
        _("qualified to review"),
        default=list,
        blank=True,
        help_text=_("Languages this person may approve as a medical reviewer."),
    )
    public_credit = models.CharField(
        _("public credit"),
        max_length=200,
        blank=True,
        help_text=_('Shown on approved pages, e.g. "Dr A. Name, neurologist".'),
    )
    # Fingerprint of the credits (every language) as their owner last confirmed them: a
    # credit someone else set is not published until its reviewer confirms it.
    credit_confirmed = models.CharField(max_length=64, blank=True, editable=False)

    class Mail(models.TextChoices):
        IMMEDIATE = "immediate", _("Each notice at once")
        DIGEST = "digest", _("One daily digest")

    # Review notices (reviews.notifications): at once or in a daily digest, and in which
    # language the person reads the admin's mail.
    mail = models.CharField(
        _("review notices by e-mail"), max_length=10, choices=Mail, default=Mail.IMMEDIATE
    )
    interface_language = models.CharField(
        _("interface language"),
        max_length=10,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        db_table = "reviews_staffprofile"
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.public_credit or self.user.get_username()
