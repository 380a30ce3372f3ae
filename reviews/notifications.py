"""Review notices by e-mail: who hears of what, in their own language, at once or daily.

| event | who |
|---|---|
| submitted | reviewers qualified for the language who did not contribute to it |
| changes requested | the version's contributors and its submitter |
| English approved with changes | translators of each language whose translation is now outdated |
| withdrawn | everyone who contributed to the item (editors, translators, submitters) |
| review due within 30 days | reviewers qualified for the language (`queue_due_reviews`) |

The workflow records a `Notification` row per recipient in the same transaction as the
action (so a rolled-back action tells nobody): the table is the mail's outbox. After the
commit, the notices of people who chose immediate mail are handed to one sender thread
per process (`after_commit`), so a slow or unreachable mail server never delays or fails
the reviewer's action: the request returns at once, and what could not be sent stays
unsent in the table. `manage.py send_review_digest --retry` (a timer every 10 minutes)
retries immediate notices left unsent for 5 minutes; the daily run (`send_review_digest`,
from cron or a systemd timer: README) sends each other person one digest of what is
unsent and retries the rest. A notice is marked sent only once the server accepted it; a
retry that overlaps a send still in progress can send it twice, never lose it.
Inactive accounts and accounts without an address get nothing. Every mail links to the
admin page of its item and is written in the recipient's interface language
(StaffProfile.interface_language). With REVIEW_MAIL_IN_BACKGROUND off (the test
settings), the sending runs in the committing thread instead, still never failing it.

Mail goes through Django's mail framework (the DJANGO_EMAIL_* settings), one SMTP
connection per run: a digest run to 1,000 people opens one connection, not 1,000.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE
from audit.models import AuditEntry
from staff import roles
from staff.models import StaffProfile

from .models import LanguageVersion, Notification, PublishedVersion

logger = logging.getLogger(__name__)
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


# -- sending ---------------------------------------------------------------------------


def _language_of(person) -> str:
    profile = getattr(person, "staff_profile", None)
    language = getattr(profile, "interface_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _mode_of(person) -> str:
    profile = getattr(person, "staff_profile", None)
    return getattr(profile, "mail", StaffProfile.Mail.IMMEDIATE)


def admin_url(notice: Notification) -> str:
    """The admin page a notice points to: the item's review page (its language), or the
    queue of the item (a withdrawal concerns every language)."""
    base = settings.STAFF_SITE_URL.rstrip("/")
    if notice.language:
        version = LanguageVersion.objects.filter(
            kind=notice.kind, key=notice.key, language=notice.language
        ).first()
        if version is not None:
            return base + reverse("admin:reviews_languageversion_review", args=[version.pk])
    changelist = reverse("admin:reviews_languageversion_changelist")
    return f"{base}{changelist}?q={notice.key}"


def _line(notice: Notification) -> str:
    item = f"{notice.get_kind_display()} {notice.key}"
    language = roles.language_name(notice.language) if notice.language else ""
    values = {"item": item, "language": language, "due": notice.due}
    lines = {
        Event.SUBMITTED: _("%(item)s (%(language)s) was submitted for your review."),
        Event.CHANGES_REQUESTED: _("Changes were requested on %(item)s (%(language)s)."),
        Event.ENGLISH_CHANGED: _(
            "The English of %(item)s was approved with changes: the %(language)s "
            "translation is outdated."
        ),
        Event.WITHDRAWN: _("%(item)s was withdrawn from the public site."),
        Event.REVIEW_DUE: _("%(item)s (%(language)s) is due for review on %(due)s."),
    }
    return lines[notice.event] % values


def _message(person, notices: Sequence[Notification], *, digest: bool, connection):
    with translation.override(_language_of(person)):
        entries = [
            {"notice": notice, "line": _line(notice), "url": admin_url(notice)}
            for notice in notices
        ]
        if digest:
            subject = _("Medical review: %(count)s notices") % {"count": len(notices)}
        else:
            subject = _("Medical review: %(line)s") % {"line": entries[0]["line"]}
        body = render_to_string(
            "reviews/mail/notices.txt",
            {"person": person, "entries": entries, "digest": digest},
        )
    return mail.EmailMessage(
        subject=" ".join(subject.split())[:200],
        body=body,
        to=[person.email],
        connection=connection,
    )


def _send(groups: dict, *, digest: bool) -> int:
    """Send each person's notices (one message, or one per notice); mark what was sent.
    A failure leaves that person's notices unsent for the next run."""
    sent_ids, count = [], 0
    with mail.get_connection() as connection:
        for person, notices in groups.items():
            messages = (
                [_message(person, notices, digest=True, connection=connection)]
                if digest
                else [_message(person, [n], digest=False, connection=connection) for n in notices]
            )
            try:
                connection.send_messages(messages)
            except OSError:
                logger.exception("Review notices to user %s were not sent", person.pk)
                continue
            sent_ids += [notice.pk for notice in notices]
            count += len(messages)
    Notification.objects.filter(pk__in=sent_ids).update(sent_at=timezone.now())
    return count


def _unsent(query: Q) -> dict:
    groups: dict = defaultdict(list)
    rows = (
        Notification.objects.filter(query, sent_at=None)
        .select_related("recipient__staff_profile")
        .order_by("recipient_id", "created_at", "pk")
    )
    people = {}
    for notice in rows:
        person = people.setdefault(notice.recipient_id, notice.recipient)
        if person.is_active and person.email:
            groups[person].append(notice)
    return groups


# One sender thread per process: notices wait their turn rather than opening a connection
# each, and a hung mail server holds one thread, never a request.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-mail")


def after_commit(ids: Sequence[int]) -> None:
    """Once the action committed: send its immediate notices, in the background unless
    REVIEW_MAIL_IN_BACKGROUND is off. Never raises into the action."""
    if getattr(settings, "REVIEW_MAIL_IN_BACKGROUND", True):
        _sender.submit(_send_in_background, list(ids))
    else:
        send_immediate(ids)


def _send_in_background(ids: list[int]) -> None:
    try:
        send_immediate(ids)
    finally:
        # The thread's own database connection, opened for this send.
        connections.close_all()


def send_immediate(ids: Sequence[int]) -> int:
    """Mail the new notices of people who chose immediate mail; whatever fails stays
    unsent for the retry. Never raises: the action that recorded them stands."""
    try:
        groups = _unsent(Q(pk__in=list(ids)))
        groups = {p: n for p, n in groups.items() if _mode_of(p) == StaffProfile.Mail.IMMEDIATE}
        return _send(groups, digest=False) if groups else 0
    except Exception:
        logger.exception("Review notices were not sent; the retry run will send them")
        return 0


RETRY_AFTER = timedelta(minutes=5)


def retry_immediate(*, now=None) -> int:
    """Immediate notices still unsent RETRY_AFTER after they were recorded (the mail
    server was down or slow), sent now; younger ones are left to their first sending.
    Returns how many messages were sent."""
    older = Q(created_at__lte=(now or timezone.now()) - RETRY_AFTER)
    groups = _unsent(older)
    retries = {p: n for p, n in groups.items() if _mode_of(p) == StaffProfile.Mail.IMMEDIATE}
    return _send(retries, digest=False) if retries else 0


def send_digests() -> int:
    """The daily run: each person's unsent notices in one message (and any immediate
    notice that failed before, retried). Returns how many messages were sent."""
    groups = _unsent(Q())
    digests = {p: n for p, n in groups.items() if _mode_of(p) == StaffProfile.Mail.DIGEST}
    retries = {p: n for p, n in groups.items() if p not in digests}
    return _send(digests, digest=True) + _send(retries, digest=False)


def discard_for_inactive() -> int:
    """Notices of accounts that were deactivated are never sent: mark them done."""
    return (
        Notification.objects.filter(sent_at=None)
        .filter(Q(recipient__is_active=False) | Q(recipient__email=""))
        .update(sent_at=timezone.now())
    )
