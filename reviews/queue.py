"""The review queue at scale: one page of language versions in the reviewer's order,
filtered, in a fixed number of queries whatever the queue holds.

Order: by the live version's next review date, so overdue first (versions never
published have none and come after), then oldest submission. The date is read from
`LanguageVersion.review_due`, kept by every step that changes the live version
(reviews.planning.refresh_review_due), through the indexes `queue_by_due` (one status)
and `queue_all_by_due` (every status): a page costs the same at 40,000 versions as at 40.
"Mine" is what this person may act on as a reviewer: languages they are qualified for,
versions they did not contribute to since the last approval (the four-eyes rule).

A row's title and size of change are measured once, when the version is submitted
(`measure`), not per page view: a page of 50 rows reads 50 small rows, never 50 texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff import roles

from .batch import items_filter
from .diff import compare
from .models import ContentKind, LanguageVersion, PublishedVersion

PER_PAGE = 50
DUE_SOON_DAYS = 30
Status = LanguageVersion.Status


class QueueFilter(forms.Form):
    """The queue's filters, from the query string; invalid values fall back to defaults."""

    DUE_CHOICES = [
        ("", _("Any due date")),
        ("overdue", _("Overdue")),
        ("soon", _("Due within 30 days")),
        ("none", _("Not published yet")),
    ]

    mine = forms.BooleanField(label=_("Mine: I may approve, I did not contribute"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    due = forms.ChoiceField(label=_("Due date"), required=False, choices=DUE_CHOICES)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        every = [("", _("All"))]
        self.fields["language"].choices = every + [
            (code, _(name)) for code, name in settings.LANGUAGES
        ]
        self.fields["kind"].choices = every + list(ContentKind.choices)
        self.fields["status"].choices = [("", _("Any status")), *Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": Status.SUBMITTED}
        return dict(self.cleaned_data)


def contributed_by(user):
    """An Exists() that is true for versions `user` contributed to since their approval."""
    through = LanguageVersion.contributors.through
    return Exists(through.objects.filter(languageversion=OuterRef("pk"), user_id=user.pk))


def reviewable_languages(user) -> list[str]:
    return [code for code, _name in settings.LANGUAGES if roles.can_review(user, code)]


def queue(user, filters: dict, *, today: date | None = None) -> QuerySet:
    """The language versions matching `filters` (QueueFilter.filters), in queue order."""
    today = today or timezone.localdate()
    versions = LanguageVersion.objects.all()
    if filters.get("status"):
        versions = versions.filter(status=filters["status"])
    if filters.get("language"):
        versions = versions.filter(language=filters["language"])
    if filters.get("kind"):
        versions = versions.filter(kind=filters["kind"])
    if filters.get("mine"):
        versions = versions.filter(language__in=reviewable_languages(user)).exclude(
            contributed_by(user)
        )
    due = filters.get("due")
    if due == "overdue":
        versions = versions.filter(review_due__lt=today)
    elif due == "soon":
        versions = versions.filter(
            review_due__gte=today, review_due__lte=today + timedelta(DUE_SOON_DAYS)
        )
    elif due == "none":
        versions = versions.filter(review_due__isnull=True)
    # Overdue dates are the earliest: the date's own order puts them first.
    return versions.order_by(
        F("review_due").asc(nulls_last=True),
        F("submitted_at").asc(nulls_last=True),
        "pk",
    )


def page_of(user, filters: dict, number) -> Page:
    versions = queue(user, filters).select_related("submitted_by", "last_edited_by")
    return Paginator(versions, PER_PAGE).get_page(number)


def next_in_queue(user, filters: dict, *, after: LanguageVersion) -> LanguageVersion | None:
    """The first version of the reviewer's queue (as filtered) other than `after`, that
    is still waiting for them: what "approve and open next" opens."""
    return queue(user, filters).exclude(pk=after.pk).first()


def counts(user, *, today: date | None = None) -> dict[str, int]:
    """The admin home's figures for `user`, in one query each."""
    today = today or timezone.localdate()
    mine = queue(user, {"mine": True, "status": Status.SUBMITTED}, today=today)
    live = PublishedVersion.objects.live()
    languages = reviewable_languages(user)
    return {
        "mine": mine.count(),
        "submitted": LanguageVersion.objects.filter(status=Status.SUBMITTED).count(),
        "overdue": live.filter(next_review_due__lt=today).count(),
        "my_due_soon": live.filter(
            language__in=languages,
            next_review_due__lte=today + timedelta(DUE_SOON_DAYS),
        ).count(),
    }


def measure(versions: Sequence[LanguageVersion], texts: Sequence[dict]) -> None:
    """Record each submitted version's title and size of change (words removed or added
    against its live version), for the queue's rows. Two queries for the whole batch."""
    if not versions:
        return
    items = {(version.kind, version.key) for version in versions}
    live = {
        (row.kind, row.key, row.language): row.source
        for row in PublishedVersion.objects.live()
        .filter(items_filter(items))
        .only("kind", "key", "language", "source")
    }
    for version, text in zip(versions, texts, strict=True):
        previous = live.get((version.kind, version.key, version.language))
        version.title = str(text.get("title") or text.get("name") or version.key)[:300]
        version.change_size = sum(
            change.changed_words for change in compare(previous, text) if change.changed
        )
    LanguageVersion.objects.bulk_update(versions, ["title", "change_size"])
