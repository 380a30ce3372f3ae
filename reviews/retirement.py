"""Approval's step 4 (`reviews.approval.approve_many`): the live versions an approval
replaces stop being live, and what an English change does to the translations checked
against the older English: flagged outdated (their translators told), held off the
public when its red flags changed (readers get the approved English), or left current
when the reviewer judged the change not to concern them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from articles.languages import SOURCE_LANGUAGE
from search.models import SearchEntry

from . import alphabetical, notifications
from .approval_checks import Approval
from .batch import Item, items_filter
from .models import PublishedVersion
from .registry import registry

# An English approval's audit note on translations held off the public (their red flags
# changed): they leave the lists of their languages.
HELD = "held: red flags changed"


def stop_being_live(versions, **changes) -> int:
    """The one way a published version stops being live (replaced, held or withdrawn):
    not current any more, with `changes` to its other columns, and what was kept only
    for live versions goes with it (its A–Z places). Returns how many stopped."""
    ids = list(versions.values_list("pk", flat=True))
    alphabetical.forget(ids)
    return PublishedVersion.objects.filter(pk__in=ids).update(is_current=False, **changes)


def retire_and_flag(
    approvals: Sequence[Approval],
    *,
    reviewer: AbstractBaseUser,
    now: datetime,
    translations_unaffected: bool = False,
) -> None:
    """The live versions being replaced stop being live, and a translation approved now
    ends its language's hold. Where an English text changed, the live translations
    checked against the older English are flagged outdated (their translators told), or
    held when its red flags changed, or left current (`translations_unaffected`); each
    approval notes which for its audit entry."""
    retired = [approval.previous.pk for approval in approvals if approval.previous is not None]
    stop_being_live(PublishedVersion.objects.filter(pk__in=retired))
    released = Q(pk__in=[])  # held snapshots of the languages approved now
    outdated_items: list[Item] = []
    held_items: list[Item] = []
    for approval in approvals:
        previous = approval.previous
        if approval.english is not None:
            version = approval.version
            released |= Q(kind=version.kind, key=version.key, language=version.language)
        elif previous is not None and previous.fingerprint != approval.digest:
            adapter = registry[approval.version.kind]
            if translations_unaffected:
                approval.translation_note["translations"] = "unaffected"
            elif adapter.red_flags(previous.source) != adapter.red_flags(approval.text):
                held_items.append(approval.item)
                approval.translation_note["translations"] = HELD
            else:
                outdated_items.append(approval.item)
                approval.translation_note["translations"] = "outdated"
    PublishedVersion.objects.filter(released, held=True).update(held=False)
    if outdated_items or held_items:
        PublishedVersion.objects.live().filter(
            items_filter([*outdated_items, *held_items])
        ).exclude(language=SOURCE_LANGUAGE).update(outdated=True)
        notifications.english_changed([*outdated_items, *held_items], by=reviewer)
    if held_items:
        hold_translations(held_items, now)


def hold_translations(items: Sequence[Item], now: datetime) -> None:
    """Take the live translations of `items` off the public (their red flags changed in
    English): not current, so every public reader falls back to the approved English,
    and no longer searchable. They stay held until their language is approved again."""
    translations = (
        PublishedVersion.objects.live()
        .filter(items_filter(items))
        .exclude(language=SOURCE_LANGUAGE)
    )
    held = list(translations.values_list("pk", flat=True))
    stop_being_live(
        PublishedVersion.objects.filter(pk__in=held), held=True, held_at=now, outdated=True
    )
    SearchEntry.objects.filter(version_id__in=held).delete()
