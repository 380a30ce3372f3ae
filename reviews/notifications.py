"""Review notices: who hears of what. The workflow calls these inside its transaction;
each records a `Notification` row per recipient (so a rolled-back action tells nobody),
and the table is the mail's outbox, sent by reviews.notice_mail.

| event | who |
|---|---|
| submitted | reviewers qualified for the language who did not contribute to it |
| changes requested | the version's contributors and its submitter |
| English approved with changes | translators of each language whose translation is now outdated |
| withdrawn | everyone who contributed to the item (editors, translators, submitters) |
| review due within 30 days | reviewers qualified for the language (`queue_due_reviews`) |

Inactive accounts and accounts without an address get nothing. The sending names are
re-exported here for the commands and callers that know this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.languages import SOURCE_LANGUAGE
from audit.models import AuditEntry
from staff import roles

from .models import LanguageVersion, Notification, PublishedVersion
from .notice_mail import (  # noqa: F401 - re-exported
    admin_url,
    after_commit,
    discard_for_inactive,
    retry_immediate,
    send_digests,
    send_immediate,
)

Event = Notification.Event
DUE_WITHIN_DAYS = 30


def _people(query: Q):
    """Active staff with an address matching `query`, with their profiles."""
    return list(
        get_user_model()
        .objects.filter(query, is_active=True, is_staff=True)
        .exclude(email="")
        .select_related("staff_profile")
        .distinct()
    )


def qualified_reviewers(language: str) -> list:
    reviewers = _people(Q(groups__permissions__codename="approve_version") | Q(is_superuser=True))
    return [person for person in reviewers if roles.can_review(person, language)]


def translators_of(language: str) -> list:
    translators = _people(Q(groups__name=roles.TRANSLATORS) | Q(is_superuser=True))
    return [
        person
        for person in translators
        if language in roles._profile_languages(person, "translation_languages")
    ]


def _record(
    event: str,
    recipients: Iterable,
    *,
    kind: str,
    key: str,
    language: str,
    actor=None,
    comment: str = "",
    due: date | None = None,
) -> list[Notification]:
    seen, rows = set(), []
    for person in recipients:
        if person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                recipient=person,
                event=event,
                kind=kind,
                key=key,
                language=language,
                actor=actor,
                comment=comment,
                due=due,
            )
        )
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [row.pk for row in created if row.pk is not None]
        transaction.on_commit(lambda: after_commit(ids))
    return created


# -- events (called by reviews.workflow inside its transaction) ---------------------------


def submitted(versions: Sequence[LanguageVersion], *, by) -> None:
    through = LanguageVersion.contributors.through
    contributed = defaultdict(set)
    for version_id, user_id in through.objects.filter(
        languageversion_id__in=[version.pk for version in versions]
    ).values_list("languageversion_id", "user_id"):
        contributed[version_id].add(user_id)
    reviewers = {language: qualified_reviewers(language) for language in
                 {version.language for version in versions}}  # fmt: skip
    for version in versions:
        _record(
            Event.SUBMITTED,
            [p for p in reviewers[version.language] if p.pk not in contributed[version.pk]],
            kind=version.kind,
            key=version.key,
            language=version.language,
            actor=by,
        )


def changes_requested(version: LanguageVersion, *, by, comment: str) -> None:
    people = list(version.contributors.filter(is_active=True))
    if version.submitted_by_id:
        people += list(get_user_model().objects.filter(pk=version.submitted_by_id))
    people = [p for p in people if p.is_active and p.is_staff and p.email]
    _record(
        Event.CHANGES_REQUESTED,
        people,
        kind=version.kind,
        key=version.key,
        language=version.language,
        actor=by,
        comment=comment,
    )


def english_changed(items: Iterable[tuple[str, str]], *, by) -> None:
    """The English of `items` was approved with changes: the translators of each language
    whose live translation is now outdated hear of it."""
    translators: dict[str, list] = {}
    for kind, key in items:
        languages = (
            PublishedVersion.objects.live()
            .filter(kind=kind, key=key, outdated=True)
            .exclude(language=SOURCE_LANGUAGE)
            .values_list("language", flat=True)
        )
        for language in languages:
            if language not in translators:
                translators[language] = translators_of(language)
            _record(
                Event.ENGLISH_CHANGED,
                translators[language],
                kind=kind,
                key=key,
                language=language,
                actor=by,
            )


def withdrawn(kind: str, key: str, *, by, reason: str) -> None:
    """Everyone who contributed to the item: its current contributors, its last editors
    and everyone who ever submitted a language of it."""
    versions = LanguageVersion.objects.filter(kind=kind, key=key)
    through = LanguageVersion.contributors.through
    ids = set(
        through.objects.filter(languageversion__in=versions).values_list("user_id", flat=True)
    )
    ids |= set(versions.exclude(last_edited_by=None).values_list("last_edited_by", flat=True))
    ids |= set(versions.exclude(submitted_by=None).values_list("submitted_by", flat=True))
    ids |= set(
        AuditEntry.objects.filter(kind=kind, key=key, action=AuditEntry.Action.SUBMIT)
        .values_list("actor", flat=True)
        .distinct()
    )
    _record(
        Event.WITHDRAWN,
        _people(Q(pk__in=ids)),
        kind=kind,
        key=key,
        language="",
        actor=by,
        comment=reason,
    )


def queue_due_reviews(*, today: date | None = None) -> int:
    """Tell the reviewers of each language of the live versions falling due within 30
    days, once per version and due date. Returns how many notices were recorded."""
    today = today or timezone.localdate()
    told = Notification.objects.filter(
        event=Event.REVIEW_DUE,
        kind=OuterRef("kind"),
        key=OuterRef("key"),
        language=OuterRef("language"),
        due=OuterRef("next_review_due"),
    )
    falling_due = (
        PublishedVersion.objects.live()
        .filter(next_review_due__lte=today + timedelta(days=DUE_WITHIN_DAYS))
        .exclude(Exists(told))
        .values_list("kind", "key", "language", "next_review_due")
    )
    reviewers: dict[str, list] = {}
    count = 0
    with transaction.atomic():
        for kind, key, language, due in falling_due.iterator():
            if language not in reviewers:
                reviewers[language] = qualified_reviewers(language)
            count += len(
                _record(
                    Event.REVIEW_DUE,
                    reviewers[language],
                    kind=kind,
                    key=key,
                    language=language,
                    due=due,
                )
            )
    return count
