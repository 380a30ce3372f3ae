"""The review workflow: every write that touches review state goes through these functions.

draft -> submitted -> approved (published) | changes requested; any -> withdrawn.
Each function checks the actor's rights on the server, runs in one transaction and
writes an audit entry. See "The review promise" in DESIGN.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE, language_codes
from audit.models import AuditEntry
from search import folding
from search import index as search_index
from search.models import SearchEntry
from staff import roles

from . import cache_tags, notifications, planning, publication, queue
from .models import ContentKind, LanguageVersion, PublishedVersion
from .registry import registry

Status = LanguageVersion.Status


class WorkflowError(Exception):
    """An action the rules do not allow; the message says why, for the person who tried."""


class StaleReview(WorkflowError):
    """The text (or the approved English it is checked against) changed since the
    reviewer's page was shown: nothing was published; the page shows the new text."""


@dataclass(frozen=True)
class Shown:
    """What a review page showed: the fingerprint of the version's text and, for a
    translation, of the approved English it was shown beside. An approval names it."""

    fingerprint: str
    english_fingerprint: str = ""


def version_for(obj: Model, language: str) -> LanguageVersion:
    adapter = registry.of(obj)
    version, _created = LanguageVersion.objects.get_or_create(
        kind=adapter.kind, key=adapter.key_of(obj), language=language
    )
    return version


def record_edits(obj: Model, *, by: AbstractBaseUser | None = None) -> list[str]:
    """Note who changed which languages of `obj`; call after every save of its text.

    A changed language goes back to draft: its published version stays live until the
    new text is approved, and `by` counts as a contributor of that language until its
    next approval (four eyes). `by` is None only for rows no person wrote (tests,
    migrations); the content loader names its author. Returns the languages.
    """
    return next(iter(record_edits_many([obj], by=by).values()))


def record_edits_many(
    objs: Sequence[Model], *, by: AbstractBaseUser | None = None
) -> dict[Item, list[str]]:
    """`record_edits` of many saved objects (a loaded folder), reading each item and its
    language versions once; returns the changed languages of each (kind, key)."""
    items = [(registry.of(obj).kind, registry.of(obj).key_of(obj)) for obj in objs]
    # One read of the objects with all their parts, shared by every language.
    loaded = _Loaded(items, live=False)
    versions = {
        (version.kind, version.key, version.language): version
        for version in LanguageVersion.objects.filter(_items_filter(items))
    }
    now = timezone.now()
    created, updated, changed = [], [], {}
    for kind, key in dict.fromkeys(items):
        obj = loaded.objects[(kind, key)]
        adapter = registry[kind]
        changed[(kind, key)] = []
        for language in language_codes():
            digest = fingerprint(adapter.source_text(obj, language))
            version = versions.get((kind, key, language))
            if version is not None and version.edited_fingerprint == digest:
                continue
            if version is None:
                version = LanguageVersion(kind=kind, key=key, language=language)
                created.append(version)
            else:
                updated.append(version)
            version.edited_fingerprint = digest
            version.last_edited_by = by
            version.last_edited_at = now
            version.status = Status.DRAFT
            changed[(kind, key)].append(language)
    LanguageVersion.objects.bulk_create(created)
    LanguageVersion.objects.bulk_update(updated, [*_EDIT_FIELDS, "status"])
    if by is not None:
        _add_contributor([*created, *updated], by)
    return changed


def _audit_entry(
    action: str, version: LanguageVersion, actor: AbstractBaseUser, comment: str, digest: str
) -> AuditEntry:
    return AuditEntry(
        action=action,
        kind=version.kind,
        key=version.key,
        language=version.language,
        actor=actor,
        comment=comment,
        fingerprint=digest,
    )


def _audit(
    action: str, version: LanguageVersion, actor: AbstractBaseUser, comment: str, digest: str
) -> None:
    _audit_entry(action, version, actor, comment, digest).save()


def _invalidate(changes: dict[Item, set[str]], *, action: str) -> None:
    """In the change's transaction: record the invalidation of the pages it changed,
    the items (kind, key) in those page languages and their lists (reviews.cache_tags,
    reviews.publication: applied after the commit, retried until done)."""
    tags: set[str] = set()
    for (kind, key), languages in changes.items():
        tags.update(cache_tags.for_change(kind, [key], languages))
    items = sorted(changes)
    reason = f"{action} " + ", ".join(f"{kind} {key}" for kind, key in items[:5])
    if len(items) > 5:
        reason += f" and {len(items) - 5} more"
    publication.record(tags, reason=reason)


Item = tuple[str, str]  # (kind, key)


def _items_filter(items: Iterable[Item]) -> Q:
    by_kind: dict[str, set[str]] = {}
    for kind, key in items:
        by_kind.setdefault(kind, set()).add(key)
    condition = Q(pk__in=[])
    for kind, keys in sorted(by_kind.items()):
        condition |= Q(kind=kind, key__in=sorted(keys))
    return condition


def _lock_items(items: Iterable[Item]) -> dict[tuple[str, str, str], LanguageVersion]:
    """Every language version of the items, row-locked in one order (kind, key, language).

    Submit, approve, request changes and withdraw all start here, so they serialize on
    the same locks taken in the same order: no interleaving can publish a translation
    while the item is being withdrawn, and none can deadlock (a batch takes its locks in
    the same global order as a single action). Missing rows are created first without a
    lock (concurrent creators do not conflict)."""
    items = sorted(set(items))
    LanguageVersion.objects.bulk_create(
        [
            LanguageVersion(kind=kind, key=key, language=code)
            for kind, key in items
            for code in language_codes()
        ],
        ignore_conflicts=True,
    )
    locked = LanguageVersion.objects.select_for_update().filter(_items_filter(items))
    return {
        (version.kind, version.key, version.language): version
        for version in locked.order_by("kind", "key", "language")
    }


def _lock_item(kind: str, key: str) -> dict[str, LanguageVersion]:
    """Every language version of one item, row-locked (see `_lock_items`)."""
    locked = _lock_items([(kind, key)])
    return {language: version for (_kind, _key, language), version in locked.items()}


class _Loaded:
    """The rows a batch reads under its locks, each fetched once for the whole batch:
    the items with every part (one query per part, not per item) and their live
    versions (without payloads: only their fingerprints are compared)."""

    def __init__(self, items: Iterable[Item], *, live: bool = True):
        items = set(items)
        self.objects: dict[Item, Model] = {}
        for kind in {kind for kind, _key in items}:
            adapter = registry[kind]
            keys = [key for item_kind, key in items if item_kind == kind]
            for obj in adapter.objects().filter(**{f"{adapter.key_field}__in": keys}):
                self.objects[(kind, adapter.key_of(obj))] = obj
        self.live = _live_versions(items) if live else {}

    def text(self, version: LanguageVersion) -> dict:
        adapter = registry[version.kind]
        return adapter.source_text(self.objects[(version.kind, version.key)], version.language)


def _live_versions(items: Iterable[Item]) -> dict[tuple[str, str, str], PublishedVersion]:
    live = PublishedVersion.objects.live().filter(_items_filter(items)).defer("payload", "source")
    return {(version.kind, version.key, version.language): version for version in live}


def submit(version: LanguageVersion, *, by: AbstractBaseUser, comment: str = "") -> LanguageVersion:
    """An editor (English) or translator (their languages) asks for medical review."""
    return submit_many([version], by=by, comment=comment)[0]


def submit_many(
    versions: Sequence[LanguageVersion], *, by: AbstractBaseUser, comment: str = ""
) -> list[LanguageVersion]:
    """Submit several language versions at once, each checked as one submission is: if
    any is refused, none is submitted (the WorkflowError names the first refused)."""
    if not versions:
        return []
    for language in sorted({version.language for version in versions}):
        if not roles.can_submit(by, language):
            raise WorkflowError(
                _("You may not submit the %(language)s version for review.")
                % {"language": roles.language_name(language)}
            )
    with transaction.atomic():
        locked = _lock_items((version.kind, version.key) for version in versions)
        loaded = _Loaded((version.kind, version.key) for version in versions)
        now = timezone.now()
        submitted, submitted_texts, new_contributors, entries = [], [], [], []
        for given in versions:
            version = locked[(given.kind, given.key, given.language)]
            adapter = registry[version.kind]
            obj = loaded.objects[(version.kind, version.key)]
            missing = adapter.missing_texts(obj, version.language)
            if missing:
                raise WorkflowError(
                    _("This version is not complete; fill in: %(fields)s")
                    % {"fields": ", ".join(missing)}
                )
            text = loaded.text(version)
            digest = fingerprint(text)
            if version.status == Status.SUBMITTED and version.submitted_fingerprint == digest:
                raise WorkflowError(_("This version is already waiting for review."))
            live = loaded.live.get((version.kind, version.key, version.language))
            if live is not None and live.fingerprint == digest:
                raise WorkflowError(_("Nothing has changed since this version was approved."))
            if version.edited_fingerprint != digest:
                # Text that was never recorded as an edit (e.g. written by a migration).
                version.edited_fingerprint = digest
                version.last_edited_by = by
                version.last_edited_at = now
                new_contributors.append(version)
            version.status = Status.SUBMITTED
            version.submitted_by = by
            version.submitted_at = now
            version.submitted_fingerprint = digest
            submitted.append(version)
            submitted_texts.append(text)
            entries.append(_audit_entry(AuditEntry.Action.SUBMIT, version, by, comment, digest))
        # What every submitted version shares in one UPDATE; what differs per version after.
        LanguageVersion.objects.filter(pk__in=[version.pk for version in submitted]).update(
            status=Status.SUBMITTED, submitted_by=by, submitted_at=now
        )
        LanguageVersion.objects.bulk_update(submitted, ["submitted_fingerprint"])
        LanguageVersion.objects.bulk_update(new_contributors, _EDIT_FIELDS)
        _add_contributor(new_contributors, by)
        queue.measure(submitted, submitted_texts)
        AuditEntry.objects.bulk_create(entries)
        notifications.submitted(submitted, by=by)
    return submitted


_EDIT_FIELDS = ["edited_fingerprint", "last_edited_by", "last_edited_at"]


def _add_contributor(versions: Sequence[LanguageVersion], user: AbstractBaseUser) -> None:
    through = LanguageVersion.contributors.through
    through.objects.bulk_create(
        [through(languageversion_id=version.pk, user_id=user.pk) for version in versions],
        ignore_conflicts=True,
    )


def _check_reviewer(version: LanguageVersion, reviewer: AbstractBaseUser) -> None:
    if not reviewer.has_perm("reviews.approve_version"):
        raise WorkflowError(_("Only medical reviewers may approve or request changes."))
    if not roles.can_review(reviewer, version.language):
        raise WorkflowError(
            _("You are not qualified to review the %(language)s version.")
            % {"language": roles.language_name(version.language)}
        )


def as_shown(version: LanguageVersion) -> Shown:
    """What a review page of `version` shows now (its fingerprints), for the approval."""
    return shown_many([version])[0]


def shown_many(versions: Sequence[LanguageVersion]) -> list[Shown]:
    """`as_shown` of several versions, reading each item once."""
    loaded = _Loaded((version.kind, version.key) for version in versions)
    shown = []
    for version in versions:
        english = None
        if version.language != SOURCE_LANGUAGE:
            english = loaded.live.get((version.kind, version.key, SOURCE_LANGUAGE))
        shown.append(shown_text(loaded.text(version), english))
    return shown


def shown_text(text: dict, english: PublishedVersion | None) -> Shown:
    """What a page that shows `text` (a translation beside the live `english`) names
    when it is approved: a review page takes it from the very text it displays."""
    return Shown(fingerprint(text), english.fingerprint if english else "")


def approve(
    version: LanguageVersion,
    *,
    reviewer: AbstractBaseUser,
    shown: Shown,
    comment: str = "",
    details: dict | None = None,
    translations_unaffected: bool = False,
) -> PublishedVersion:
    """Freeze the submitted text as the published version of this language.

    `shown` names the text the reviewer saw (see `as_shown`): if the text, or the approved
    English beside a translation, changed since, nothing is published (StaleReview).
    `translations_unaffected` (English only): the reviewer judged the change a typo or a
    link, so translations stay current (see `approve_many`)."""
    return approve_many(
        [(version, shown)],
        reviewer=reviewer,
        comment=comment,
        details=details,
        translations_unaffected=translations_unaffected,
    )[0]


def approve_many(
    approvals: Sequence[tuple[LanguageVersion, Shown]],
    *,
    reviewer: AbstractBaseUser,
    comment: str = "",
    details: dict | None = None,
    translations_unaffected: bool = False,
) -> list[PublishedVersion]:
    """Approve several submitted versions, each checked exactly as one approval is, in one
    transaction: if any is refused, nothing is published. The English of an item and its
    translations are approved in separate calls (a translation is checked against the
    English that is live when it was shown).

    When an approval changes the English of an item, its live translations become
    outdated (still public, with a notice); when it also adds, removes or changes a red
    flag (a warning sign's words or urgency), they are held instead: taken off the public,
    so their readers get the approved English page, until each is approved again. With
    `translations_unaffected` the reviewer records that the English change does not
    concern translations (a typo, a link): they stay current, and the audit entry says so.
    """
    if not approvals:
        return []
    if translations_unaffected and any(
        version.language != SOURCE_LANGUAGE for version, _shown in approvals
    ):
        raise WorkflowError(_("Only an English approval can leave translations unaffected."))
    credits: dict[str, tuple[str, str]] = {}
    for version, _shown in approvals:
        if version.language in credits:
            continue
        _check_reviewer(version, reviewer)
        credit = roles.public_credit(reviewer, version.language)
        if credit is None:
            raise WorkflowError(
                _(
                    "Your public credit (the name and role printed on approved pages) is "
                    "missing or not confirmed by you. Set or confirm it under My public "
                    "credit, then approve."
                )
            )
        credits[version.language] = credit
    languages_of: dict[Item, set[str]] = {}
    for version, _shown in approvals:
        languages_of.setdefault((version.kind, version.key), set()).add(version.language)
    if any(SOURCE_LANGUAGE in codes and len(codes) > 1 for codes in languages_of.values()):
        raise WorkflowError(_("Approve the English version first."))
    with transaction.atomic():
        # The items' locks make a concurrent approval or withdrawal wait, then see it.
        locked = _lock_items(languages_of)
        loaded = _Loaded(languages_of)
        contributed = set(
            LanguageVersion.contributors.through.objects.filter(
                languageversion_id__in=[version.pk for version in locked.values()],
                user_id=reviewer.pk,
            ).values_list("languageversion_id", flat=True)
        )
        now = timezone.now()
        # Planned evenly over the interval, not one date per batch (reviews.planning).
        due = planning.due_dates(
            [(version.kind, version.key, version.language) for version, _shown in approvals], now
        )
        approved, published, texts, retired, entries = [], [], [], [], []
        # Items whose English changed: translations outdated, or held (red flags changed).
        outdated_items: list[Item] = []
        held_items: list[Item] = []
        released = Q(pk__in=[])  # held snapshots of the languages approved now
        changes: dict[Item, set[str]] = {}
        for given, shown in approvals:
            version = locked[(given.kind, given.key, given.language)]
            if version.status != Status.SUBMITTED:
                raise WorkflowError(
                    _("Only a submitted version can be approved; this one is %(status)s.")
                    % {"status": version.get_status_display().lower()}
                )
            if version.pk in contributed:
                raise WorkflowError(
                    _(
                        "You contributed to this version since it was last approved; another "
                        "reviewer must approve it."
                    )
                )
            adapter = registry[version.kind]
            text = loaded.text(version)
            digest = fingerprint(text)
            if digest != version.submitted_fingerprint:
                raise WorkflowError(
                    _("The text changed after it was submitted; it must be submitted again.")
                )
            english = None
            if version.language != SOURCE_LANGUAGE:
                english = loaded.live.get((version.kind, version.key, SOURCE_LANGUAGE))
                if english is None:
                    raise WorkflowError(_("Approve the English version first."))
            if shown.fingerprint != digest or shown.english_fingerprint != (
                english.fingerprint if english else ""
            ):
                raise StaleReview(
                    _(
                        "The text changed since this page was shown to you; nothing was "
                        "published. Review the new text below, then approve again."
                    )
                )
            previous = loaded.live.get((version.kind, version.key, version.language))
            changes.setdefault((version.kind, version.key), set()).update(
                cache_tags.languages_changed(version.language, first_in_language=previous is None)
            )
            # (An English approval changes every page language: holds are covered.)
            translation_note: dict = {}
            if previous is not None:
                retired.append(previous.pk)
                if english is None and previous.fingerprint != digest:
                    item = (version.kind, version.key)
                    if translations_unaffected:
                        translation_note["translations"] = "unaffected"
                    elif adapter.red_flags(previous.source) != adapter.red_flags(text):
                        held_items.append(item)
                        translation_note["translations"] = "held: red flags changed"
                    else:
                        outdated_items.append(item)
                        translation_note["translations"] = "outdated"
            if english is not None:
                released |= Q(kind=version.kind, key=version.key, language=version.language)
            payload = adapter.render(version.key, text)
            credit, credit_language = credits[version.language]
            published.append(
                PublishedVersion(
                    kind=version.kind,
                    key=version.key,
                    language=version.language,
                    payload=payload,
                    source=text,
                    fingerprint=digest,
                    english_version=english,
                    approved_by=reviewer,
                    reviewer_credit=credit,
                    reviewer_credit_language=credit_language,
                    approved_at=now,
                    next_review_due=due[(version.kind, version.key, version.language)],
                    sort_title=folding.fold(
                        payload.get("title") or payload.get("name") or version.key
                    ),
                )
            )
            texts.append(text)
            version.status = Status.APPROVED
            version.comment = comment
            approved.append(version)
            entry = _audit_entry(AuditEntry.Action.APPROVE, version, reviewer, comment, digest)
            # E.g. the blocking content findings approved anyway, and the reviewer's reason;
            # what the English change does to the translations.
            entry.details = {**(details or {}), **translation_note}
            entries.append(entry)

        PublishedVersion.objects.filter(pk__in=retired).update(is_current=False)
        PublishedVersion.objects.bulk_create(published)
        for kind in {version.kind for version in approved}:
            registry[kind].after_approval(
                [(p, text) for p, text in zip(published, texts, strict=True) if p.kind == kind]
            )
        search_index.index_many([v for v in published if registry[v.kind].searchable])
        # A translation approved now replaces its held snapshot: the hold is over.
        PublishedVersion.objects.filter(released, held=True).update(held=False)
        if outdated_items or held_items:
            # English changed: translations checked against older English are outdated
            # (and their translators told); held ones go off the public just after.
            PublishedVersion.objects.live().filter(
                _items_filter([*outdated_items, *held_items])
            ).exclude(language=SOURCE_LANGUAGE).update(outdated=True)
            notifications.english_changed([*outdated_items, *held_items], by=reviewer)
        if held_items:
            _hold_translations(held_items, now)
        LanguageVersion.objects.filter(pk__in=[version.pk for version in approved]).update(
            status=Status.APPROVED, comment=comment
        )
        LanguageVersion.contributors.through.objects.filter(
            languageversion_id__in=[version.pk for version in approved]
        ).delete()
        AuditEntry.objects.bulk_create(entries)
        _invalidate(changes, action="approve")
    return published


def _hold_translations(items: Sequence[Item], now) -> None:
    """Take the live translations of `items` off the public (their red flags changed in
    English): not current, so every public reader falls back to the approved English,
    and no longer searchable. They stay held until their language is approved again."""
    translations = (
        PublishedVersion.objects.live()
        .filter(_items_filter(items))
        .exclude(language=SOURCE_LANGUAGE)
    )
    held = list(translations.values_list("pk", flat=True))
    PublishedVersion.objects.filter(pk__in=held).update(
        is_current=False, held=True, held_at=now, outdated=True
    )
    SearchEntry.objects.filter(version_id__in=held).delete()


def request_changes(
    version: LanguageVersion, *, reviewer: AbstractBaseUser, comment: str
) -> LanguageVersion:
    """Send a submitted version back to its author with the reviewer's comment."""
    _check_reviewer(version, reviewer)
    if not comment.strip():
        raise WorkflowError(_("Say what needs to change: a comment is required."))
    with transaction.atomic():
        version = _lock_item(version.kind, version.key)[version.language]
        if version.status != Status.SUBMITTED:
            raise WorkflowError(_("Only a submitted version can be sent back."))
        version.status = Status.CHANGES_REQUESTED
        version.comment = comment
        version.save()
        _audit(
            AuditEntry.Action.REQUEST_CHANGES,
            version,
            reviewer,
            comment,
            version.submitted_fingerprint,
        )
        notifications.changes_requested(version, by=reviewer, comment=comment)
    return version


def withdrawal_effects(kind: str, key: str) -> list[str]:
    """What else changes on the public site if (kind, key) is withdrawn: shown on the
    confirmation step before a withdrawal. Raises WorkflowError where it is not allowed."""
    if kind == ContentKind.NOTICE and PublishedVersion.objects.live().exclude(kind=kind).exists():
        raise WorkflowError(
            _(
                "Site notices cannot be withdrawn while anything is published: they carry "
                "the disclaimer and the emergency guidance of every page. Replace the text "
                "by approving a new version instead."
            )
        )
    languages = sorted(
        PublishedVersion.objects.live()
        .filter(kind=kind, key=key)
        .values_list("language", flat=True)
    )
    effects = [
        _("Every published language goes off the site: %(languages)s.")
        % {"languages": ", ".join(languages) or "—"}
    ]
    if kind == ContentKind.REGION:
        topics = sorted(
            set(
                PublishedVersion.objects.topics()
                .filter(placements__region=key)
                .values_list("key", flat=True)
            )
        )
        effects.append(
            _(
                "The region page disappears, and these topics no longer show its notice "
                "or link to it: %(topics)s."
            )
            % {"topics": ", ".join(topics) or "—"}
        )
    return effects


def withdraw(kind: str, key: str, *, by: AbstractBaseUser, reason: str) -> int:
    """Take content off every public place at once, in every language. Returns how many
    published versions were taken down. Once it returns, nothing of the item is live."""
    if not by.has_perm("reviews.withdraw_content"):
        raise WorkflowError(_("Only medical reviewers and site admins may withdraw content."))
    if not reason.strip():
        raise WorkflowError(_("A reason is required to withdraw content."))
    with transaction.atomic():
        versions = _lock_item(kind, key)
        withdrawal_effects(kind, key)  # refuses what may not be withdrawn
        now = timezone.now()
        taken_down = PublishedVersion.objects.live().filter(kind=kind, key=key)
        fingerprints = dict(taken_down.values_list("language", "fingerprint"))
        count = taken_down.update(is_current=False, withdrawn_at=now)
        # A held translation is withdrawn with the rest: re-approving it starts anew.
        PublishedVersion.objects.filter(kind=kind, key=key, held=True).update(
            held=False, withdrawn_at=now
        )
        if registry[kind].searchable:
            search_index.remove(kind, key)
        for language, version in versions.items():
            version.status = Status.WITHDRAWN
            version.comment = reason
            version.save()
            if language in fingerprints:
                _audit(AuditEntry.Action.WITHDRAW, version, by, reason, fingerprints[language])
        if not fingerprints:
            AuditEntry.objects.create(
                action=AuditEntry.Action.WITHDRAW, kind=kind, key=key, actor=by, comment=reason
            )
        notifications.withdrawn(kind, key, by=by, reason=reason)
        _invalidate({(kind, key): set(language_codes())}, action="withdraw")
    return count
