from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext_noop

from articles.languages import SOURCE_LANGUAGE, language_codes, translation_languages
from articles.models import Article, BodyRegion, SiteNotice
from reviews import roles, workflow
from reviews.content_files import CONTENT_FILES_AUTHOR
from reviews.models import LanguageVersion, PublishedVersion, StaffProfile
from reviews.registry import registry

ALL_LANGUAGES = language_codes()
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
        objects = [
            *registry.for_model(SiteNotice).objects(),
            *BodyRegion.objects.all(),
            *registry.for_model(Article).objects(),
        ]
        for obj in objects:
            workflow.record_edits(obj, by=None)
            for language in ALL_LANGUAGES:  # English first: translations are checked against it
                approved += approve_loaded(obj, language, users)
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


def approve_loaded(obj, language: str, users) -> int:
    """Approve text the loader wrote; anything a person edited waits for a real review."""
    version = workflow.version_for(obj, language)
    authors = set(version.contributors.values_list("username", flat=True))
    if authors - {CONTENT_FILES_AUTHOR}:
        return 0
    if registry.of(obj).missing_texts(obj, language):
        return 0  # not translated: stays missing on purpose
    if (
        PublishedVersion.objects.live(language)
        .filter(kind=version.kind, key=version.key, fingerprint=version.edited_fingerprint)
        .exists()
    ):
        return 0
    if version.status != LanguageVersion.Status.SUBMITTED:
        author = users["editor"] if language == SOURCE_LANGUAGE else users["translator"]
        version = workflow.submit(version, by=author, comment="Demo content")
    workflow.approve(
        version,
        reviewer=users["reviewer"],
        shown=workflow.as_shown(version),
        comment="Demo approval",
    )
    return 1
