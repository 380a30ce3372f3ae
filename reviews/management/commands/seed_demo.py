from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_noop

from articles.languages import SOURCE_LANGUAGE, language_codes, translation_languages
from articles.models import Article, BodyRegion, SiteNotice
from reviews import statistics, workflow
from reviews.content_files import CONTENT_FILES_AUTHOR
from reviews.models import LanguageVersion, PublishedVersion
from reviews.registry import registry
from staff import roles
from staff.models import StaffProfile

ALL_LANGUAGES = language_codes()
BATCH = 200  # items read and approved together
TRANSLATED = translation_languages()

# Local demonstration only: these passwords are in the README; production refuses them.
DEMO_USERS = {
    "editor": {"group": roles.EDITORS},
    "translator": {"group": roles.TRANSLATORS, "translates": TRANSLATED},
    "reviewer": {
        "group": roles.REVIEWERS,
        "reviews": ALL_LANGUAGES,
        "credit": gettext_noop("Demo reviewer (demonstration content, not a clinical review)"),
    },
    "reviewer2": {
        "group": roles.REVIEWERS,
        "reviews": ALL_LANGUAGES,
        "credit": gettext_noop(
            "Second demo reviewer (demonstration content, not a clinical review)"
        ),
    },
    "siteadmin": {"group": roles.SITE_ADMINS},
}


def demo_password(username: str) -> str:
    return f"{username}-demo"


class Command(BaseCommand):
    help = (
        "Create one demo user per role (password: <username>-demo) and approve the loaded "
        "content as the demo reviewer. Local use only; refused in production."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo creates users with known passwords: not allowed here.")
        users = {name: self._user(name, spec) for name, spec in DEMO_USERS.items()}
        approved = 0
        # Notices, regions, then topics, a batch of items at a time (memory holds a batch).
        for model in (SiteNotice, BodyRegion, Article):
            adapter = registry.for_model(model)
            keys = list(model.objects.order_by(adapter.key_field).values_list(
                adapter.key_field, flat=True))  # fmt: skip
            for first in range(0, len(keys), BATCH):
                chunk = keys[first : first + BATCH]
                objects = list(adapter.objects().filter(**{f"{adapter.key_field}__in": chunk}))
                workflow.record_edits_many(objects, by=None)
                approved += approve_loaded(objects, users)
        # Thousands of new snapshots: plans from fresh statistics at once (PostgreSQL).
        statistics.refresh_after_bulk_write()
        self.stdout.write(
            f"Demo users: {', '.join(users)} (password: <username>-demo). "
            f"Approved {approved} language versions as the demo reviewer."
        )

    def _user(self, username: str, spec: dict):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password(demo_password(username))
            user.save()
        user.groups.add(Group.objects.get(name=spec["group"]))
        profile, _created = StaffProfile.objects.get_or_create(user=user)
        profile.translation_languages = spec.get("translates", [])
        profile.review_languages = spec.get("reviews", [])
        for code in ALL_LANGUAGES:
            # The demo credit in each language, from the interface-string catalogues.
            with translation.override(code):
                credit = translation.gettext(spec["credit"]) if "credit" in spec else ""
            setattr(profile, f"public_credit_{code}", credit)
        profile.save()
        roles.confirm_credit(profile)  # the demo reviewer "confirms" the demo credit
        return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def approve_loaded(objects, users) -> int:
    """Approve text the loader wrote: all English first, then every translation, each
    checked against the English approved just before (a batch of each); anything a
    person edited waits for a real review. `objects` come from their adapters'
    `objects()` (with their parts)."""
    items = {(registry.of(obj).kind, registry.of(obj).key_of(obj)): obj for obj in objects}
    keys = {key for _kind, key in items}
    english = _waiting(items, [SOURCE_LANGUAGE], keys)
    translations = _waiting(items, TRANSLATED, keys)
    for waiting, author in ((english, "editor"), (translations, "translator")):
        workflow.submit_many(
            [version for version in waiting if version.status != LanguageVersion.Status.SUBMITTED],
            by=users[author],
            comment="Demo content",
        )
    for waiting in (english, translations):  # shown beside the English just approved
        shown = workflow.shown_many(waiting)
        workflow.approve_many(
            list(zip(waiting, shown, strict=True)),
            reviewer=users["reviewer"],
            comment="Demo approval",
        )
    return len(english) + len(translations)


# Withdrawn or sent back by a reviewer: the demo never overrides that. A changed file
# (or an edit) puts the version back to draft, and then it is new text again.
_DECIDED = {LanguageVersion.Status.WITHDRAWN, LanguageVersion.Status.CHANGES_REQUESTED}


def _waiting(items: dict, languages: list[str], keys: set[str]) -> list[LanguageVersion]:
    """The language versions of `items` in `languages` that hold loaded text not yet live."""
    versions = LanguageVersion.objects.filter(language__in=languages, key__in=keys)
    live = set(
        PublishedVersion.objects.live()
        .filter(language__in=languages, key__in=keys)
        .values_list("kind", "key", "language", "fingerprint")
    )
    waiting = []
    for version in versions.prefetch_related("contributors"):
        obj = items.get((version.kind, version.key))
        if obj is None:
            continue
        authors = {user.username for user in version.contributors.all()}
        if authors - {CONTENT_FILES_AUTHOR}:
            continue
        if version.status in _DECIDED:
            continue  # a reviewer's decision on this text stands until the text changes
        if registry[version.kind].missing_texts(obj, version.language):
            continue  # not translated: stays missing on purpose
        if (version.kind, version.key, version.language, version.edited_fingerprint) in live:
            continue
        waiting.append(version)
    return waiting
