"""What every workflow action shares: the items' language versions locked in one order,
the rows a batch reads once, audit rows, and the invalidation of the changed pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, Q

from articles.languages import language_codes
from audit.models import AuditEntry

from . import cache_tags, publication
from .models import LanguageVersion, PublishedVersion
from .registry import registry

Item = tuple[str, str]  # (kind, key)


def items_filter(items: Iterable[Item]) -> Q:
    by_kind: dict[str, set[str]] = {}
    for kind, key in items:
        by_kind.setdefault(kind, set()).add(key)
    condition = Q(pk__in=[])
    for kind, keys in sorted(by_kind.items()):
        condition |= Q(kind=kind, key__in=sorted(keys))
    return condition


def lock_items(items: Iterable[Item]) -> dict[tuple[str, str, str], LanguageVersion]:
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
    locked = LanguageVersion.objects.select_for_update().filter(items_filter(items))
    return {
        (version.kind, version.key, version.language): version
        for version in locked.order_by("kind", "key", "language")
    }


def lock_item(kind: str, key: str) -> dict[str, LanguageVersion]:
    """Every language version of one item, row-locked (see `lock_items`)."""
    locked = lock_items([(kind, key)])
    return {language: version for (_kind, _key, language), version in locked.items()}


class Loaded:
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
        self.live = live_versions(items) if live else {}

    def text(self, version: LanguageVersion) -> dict:
        adapter = registry[version.kind]
        return adapter.source_text(self.objects[(version.kind, version.key)], version.language)


def live_versions(items: Iterable[Item]) -> dict[tuple[str, str, str], PublishedVersion]:
    live = PublishedVersion.objects.live().filter(items_filter(items)).defer("payload", "source")
    return {(version.kind, version.key, version.language): version for version in live}


def audit_row(
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


def write_audit(
    action: str, version: LanguageVersion, actor: AbstractBaseUser, comment: str, digest: str
) -> None:
    audit_row(action, version, actor, comment, digest).save()


def invalidate(
    changes: dict[Item, set[str]],
    *,
    action: str,
    lists: dict[Item, set[str]] | None = None,
    regions: dict[Item, set[str]] | None = None,
    names: dict[Item, cache_tags.Names] | None = None,
    grace: bool = False,
) -> None:
    """In the change's transaction: record the invalidation of the pages it changed,
    the items (kind, key) in those page languages and their lists (in `lists[item]`'s
    languages where given; the region pages of `regions[item]` where given, else every
    region page; the lists of titles and days of `names[item]` where given, else those
    of the lists: reviews.cache_tags, reviews.publication: applied after the commit,
    retried until done)."""
    tags: set[str] = set()
    for (kind, key), languages in changes.items():
        lists_in = None if lists is None else lists.get((kind, key))
        placed = None if regions is None else regions.get((kind, key), set())
        named = None if names is None else names.get((kind, key))
        tags.update(
            cache_tags.for_change(kind, [key], languages, lists_in, regions=placed, names=named)
        )
    items = sorted(changes)
    reason = f"{action} " + ", ".join(f"{kind} {key}" for kind, key in items[:5])
    if len(items) > 5:
        reason += f" and {len(items) - 5} more"
    # `grace` only where approved text replaces approved text (a re-approval): previous
    # copies may then be served while re-rendered. Never for a withdrawal, nor for a
    # first publication or one after a withdrawal, which must show at once.
    publication.record(tags, reason=reason, grace=grace)


EDIT_FIELDS = ["edited_fingerprint", "last_edited_by", "last_edited_at"]


def add_contributor(versions: Sequence[LanguageVersion], user: AbstractBaseUser) -> None:
    through = LanguageVersion.contributors.through
    through.objects.bulk_create(
        [through(languageversion_id=version.pk, user_id=user.pk) for version in versions],
        ignore_conflicts=True,
    )
