"""Review notices by e-mail, in the recipient's language, at once or daily.

After the action's commit, the notices of people who chose immediate mail are handed to
one sender thread per process (`after_commit`), so a slow or unreachable mail server never
delays or fails the reviewer's action: the request returns at once, and what could not be
sent stays unsent in the table. `manage.py send_review_digest --retry` (a timer every 10
minutes) retries immediate notices left unsent for 5 minutes; the daily run
(`send_review_digest`, from cron or a systemd timer: README) sends each other person one
digest of what is unsent and retries the rest. A notice is marked sent only once the
server accepted it; a retry that overlaps a send still in progress can send it twice,
never lose it. Every mail links to the admin page of its item and is written in the
recipient's interface language (StaffProfile.interface_language). With
REVIEW_MAIL_IN_BACKGROUND off (the test settings), the sending runs in the committing
thread instead, still never failing it.

Mail goes through Django's mail framework (the DJANGO_EMAIL_* settings), one SMTP
connection per run: a digest run to 1,000 people opens one connection, not 1,000.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import connections
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staff import roles
from staff.models import StaffProfile

from .models import LanguageVersion, Notification

logger = logging.getLogger(__name__)
Event = Notification.Event


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
