"""Planned review dates: when each approved version falls due for medical review again.

Before, every approval batch got one due date (approval + REVIEW_INTERVAL_DAYS): the
40,000 versions of a full load all fell due on one day. Now each language has a daily
capacity, its live versions spread evenly over the interval (ceil(live / interval days),
at least one a day), and an approval takes the latest day within the interval that
still has room. A single approval on a quiet day is due a full interval later, as
before; a batch of 10,000 fills the interval from its end backwards, evenly. A version
is never due later than the interval (a re-review may come a little early, never late).

Alternatives considered: a hash of the key onto a day (even, but a single approval could
fall due the next day), and random jitter (not reproducible in tests). The load per day
is read in one aggregate query per batch (an index on language and due date).

`respread` re-plans existing rows the same way (the `spread_review_dates` command), and
`weeks` and `due_for` feed the planning page and a reviewer's own list.

The queue orders language versions by their live version's due date; each step that
changes which version is live or when it falls due (approval, hold, withdrawal,
re-spreading) copies it onto `LanguageVersion.review_due` with `refresh_review_due`, one
UPDATE for the items concerned, in the step's transaction.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone

from staff import roles

from .batch import items_filter
from .models import LanguageVersion, PublishedVersion

Key = tuple[str, str, str]  # (kind, key, language)


def interval_days() -> int:
    return settings.REVIEW_INTERVAL_DAYS


def planned_due(now: datetime) -> date:
    """The due date of one approval on a quiet day: a full interval later."""
    return (now + timedelta(days=interval_days())).date()


def _capacity(live: int, interval: int) -> int:
    return max(1, math.ceil(live / interval))


def due_dates(keys: Iterable[Key], now: datetime) -> dict[Key, date]:
    """A due date for each version approved now, per language the latest day within the
    interval that has room under its daily capacity (see the module's docstring)."""
    keys = sorted(set(keys))
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    interval = interval_days()
    last = today + timedelta(days=interval)
    languages = sorted({language for _kind, _key, language in keys})
    if not languages:
        return {}
    # The versions these approvals replace no longer count against the load.
    replaced = Q(pk__in=[])
    for kind, key, language in keys:
        replaced |= Q(kind=kind, key=key, language=language)
    live = PublishedVersion.objects.live().filter(language__in=languages)
    if len(keys) <= 200:
        live = live.exclude(replaced)
    loads = {
        (row["language"], row["next_review_due"]): row["n"]
        for row in live.filter(next_review_due__gt=today)
        .values("language", "next_review_due")
        .annotate(n=Count("pk"))
    }
    totals = Counter()
    for (language, _day), count in loads.items():
        totals[language] += count
    dues: dict[Key, date] = {}
    for language in languages:
        mine = [item for item in keys if item[2] == language]
        capacity = _capacity(totals[language] + len(mine), interval)
        day, used = last, loads.get((language, last), 0)
        for item in mine:
            while used >= capacity and day > today + timedelta(days=1):
                day -= timedelta(days=1)
                used = loads.get((language, day), 0)
            dues[item] = day
            used += 1
    return dues


def respread(*, today: date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Re-plan the live versions of each language evenly over the coming interval, in
    the order they fall due, never later than they were due; overdue ones stay due.
    Returns how many versions moved per language."""
    today = today or timezone.localdate()
    interval = interval_days()
    moved: dict[str, int] = {}
    with transaction.atomic():
        for language in [code for code, _name in settings.LANGUAGES]:
            rows = list(
                PublishedVersion.objects.live(language)
                .filter(next_review_due__gte=today)
                .order_by("next_review_due", "kind", "key")
                .values_list("pk", "next_review_due")
            )
            if not rows:
                continue
            capacity = _capacity(len(rows), interval)
            changes: dict[date, list[int]] = {}
            for index, (pk, due) in enumerate(rows):
                slot = today + timedelta(days=1 + index // capacity)
                if slot < due:
                    changes.setdefault(slot, []).append(pk)
            moved[language] = sum(len(pks) for pks in changes.values())
            if not dry_run:
                for slot, pks in changes.items():
                    PublishedVersion.objects.filter(pk__in=pks).update(next_review_due=slot)
        if not dry_run and any(moved.values()):
            refresh_review_due()
    return moved


def refresh_review_due(items: Iterable[tuple[str, str]] | None = None) -> int:
    """Copy each live version's next review date onto its language version (none where
    nothing is live) for `items` ((kind, key) pairs), or for every row. One query."""
    live = PublishedVersion.objects.live().filter(
        kind=OuterRef("kind"), key=OuterRef("key"), language=OuterRef("language")
    )
    versions = LanguageVersion.objects.all()
    if items is not None:
        items = set(items)
        if not items:
            return 0
        versions = versions.filter(items_filter(items))
    return versions.update(review_due=Subquery(live.values("next_review_due")[:1]))


@dataclass
class Week:
    start: date
    due: int
    reviewers: int

    @property
    def per_reviewer(self) -> float:
        return round(self.due / self.reviewers, 1) if self.reviewers else float(self.due)


def reviewers_by_language() -> dict[str, list]:
    """The active staff qualified to review each language (one query)."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .filter(
            Q(groups__name=roles.REVIEWERS)
            | Q(groups__permissions__codename="approve_version")
            | Q(is_superuser=True)
        )
        .select_related("staff_profile")
        .distinct()
        .order_by("username")
    )
    found: dict[str, list] = {code: [] for code, _name in settings.LANGUAGES}
    for person in people:
        for code in person.staff_profile.review_languages or []:
            if code in found:
                found[code].append(person)
    return found


def weeks(*, start: date, count: int) -> dict[str, list[Week]]:
    """Per language, for `count` weeks from the week of `start`: how many live versions
    fall due, and how many reviewers are qualified. Two queries whatever the corpus."""
    first = start - timedelta(days=start.weekday())
    end = first + timedelta(weeks=count)
    due = {
        (row["language"], row["week"]): row["n"]
        for row in PublishedVersion.objects.live()
        .filter(next_review_due__gte=first, next_review_due__lt=end)
        .annotate(week=TruncWeek("next_review_due"))
        .values("language", "week")
        .annotate(n=Count("pk"))
    }
    reviewers = reviewers_by_language()
    plan = {}
    for code, _name in settings.LANGUAGES:
        plan[code] = [
            Week(
                start=first + timedelta(weeks=number),
                due=due.get((code, first + timedelta(weeks=number)), 0),
                reviewers=len(reviewers[code]),
            )
            for number in range(count)
        ]
    return plan


def due_for(user, *, today: date | None = None, days: int = 30):
    """Live versions in the languages `user` may review that fall due within `days`
    (overdue ones included), soonest first."""
    today = today or timezone.localdate()
    languages = [code for code, _name in settings.LANGUAGES if roles.can_review(user, code)]
    return (
        PublishedVersion.objects.live()
        .filter(language__in=languages, next_review_due__lte=today + timedelta(days=days))
        .order_by("next_review_due", "kind", "key", "language")
        .only("pk", "kind", "key", "language", "next_review_due", "sort_title", "approved_at")
    )
