"""Small builders for test data: content rows, staff users per role, and publishing."""

from datetime import date
from itertools import count

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, BodyRegion, ReliefMeasure, SiteNotice, WarningSign
from reviews import workflow
from staff import roles
from staff.models import StaffProfile

LANGUAGES = [code for code, _name in settings.LANGUAGES]
_numbers = count(1)


def texts(field: str, base: str, languages=LANGUAGES) -> dict:
    """{'title_en': 'Base [en]', 'title_ru': 'Base [ru]', ...}"""
    return {f"{field}_{code}": f"{base} [{code}]" for code in languages}


def make_region(slug: str = "legs", languages=LANGUAGES, **extra) -> BodyRegion:
    region, _created = BodyRegion.objects.get_or_create(
        slug=slug,
        defaults={
            **texts("name", slug.capitalize(), languages),
            **texts("notice", f"{slug} notice", languages),
            **extra,
        },
    )
    return region


def make_notices(languages=LANGUAGES) -> list[SiteNotice]:
    """Every site notice: "disclaimer text [ru]"...; the frame texts are their English
    originals marked with the language ("Caution [ru]"), placeholders kept."""
    from public.frame import ORIGINALS

    notices = []
    for key in SiteNotice.Key.values:
        base = f"{key} text" if key in SiteNotice.MARKDOWN_KEYS else ORIGINALS[key]
        notices.append(
            SiteNotice.objects.get_or_create(key=key, defaults=texts("text", base, languages))[0]
        )
    return notices


def make_topic(
    slug: str | None = None,
    *,
    regions=("legs",),
    languages=LANGUAGES,
    title: str | None = None,
    measures: int = 1,
) -> Article:
    """A complete topic in `languages`: one emergency sign, `measures` medicine measures."""
    slug = slug or f"topic-{next(_numbers)}"
    title = title or slug.replace("-", " ").capitalize()
    article = Article.objects.create(
        slug=slug,
        **texts("title", title, languages),
        **texts("summary", f"Summary of {title}", languages),
        **texts("what_it_is", f"What {title} is", languages),
    )
    article.regions.set([make_region(region) for region in regions])
    WarningSign.objects.create(
        article=article, urgency="emergency", **texts("text", "Call now", languages)
    )
    for number in range(measures):
        ReliefMeasure.objects.create(
            article=article,
            kind="medicine",
            order=number,
            **texts("title", f"Measure {number}", languages),
        )
    workflow.record_edits(article, by=None)
    return article


def make_user(role: str | None = None, *, languages=(), username: str | None = None, credit=""):
    """A staff user in `role` (a group name from staff.roles) with its languages."""
    username = username or f"{(role or 'user').split()[0].lower()}-{next(_numbers)}"
    user = get_user_model().objects.create_user(
        username=username, password="pw", is_staff=role is not None
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(
        user=user,
        translation_languages=list(languages) if role == roles.TRANSLATORS else [],
        review_languages=list(languages) if role == roles.REVIEWERS else [],
        public_credit_en=credit or f"Dr {username}",
    )
    roles.confirm_credit(user.staff_profile)
    return get_user_model().objects.get(pk=user.pk)


def approve(version, *, reviewer, comment=""):
    """Approve as a reviewer would after looking at the review page now."""
    return workflow.approve(
        version, reviewer=reviewer, shown=workflow.as_shown(version), comment=comment
    )


def publish(obj, languages=LANGUAGES, *, reviewer=None, author=None):
    """Submit and approve `obj` in each language (English first), as real users would."""
    reviewer = reviewer or make_user(roles.REVIEWERS, languages=LANGUAGES)
    published = {}
    for language in languages:
        version = workflow.version_for(obj, language)
        submitter = author or make_user(
            roles.EDITORS if language == "en" else roles.TRANSLATORS, languages=[language]
        )
        version = workflow.submit(version, by=submitter)
        published[language] = approve(version, reviewer=reviewer)
    return published


def publish_many(objs, languages=LANGUAGES, *, reviewer=None):
    """Submit and approve several items together, a batch per language (English first),
    as an editor submits and a reviewer approves a selection in the admin: one submitter
    per language, each approval checked as a single one is (reviews.approval.approve_many)."""
    reviewer = reviewer or make_user(roles.REVIEWERS, languages=LANGUAGES)
    for language in languages:
        submitter = make_user(
            roles.EDITORS if language == "en" else roles.TRANSLATORS, languages=[language]
        )
        versions = [workflow.version_for(obj, language) for obj in objs]
        versions = workflow.submit_many(versions, by=submitter)
        workflow.approve_many(
            list(zip(versions, workflow.shown_many(versions), strict=True)), reviewer=reviewer
        )
    return reviewer


def publish_site_notices(languages=LANGUAGES, reviewer=None):
    return publish_many(make_notices(languages), languages, reviewer=reviewer)


def search_entry(version, title: str, body: str):
    """An unsaved search entry (search.SearchEntry) of the live `version`, for tests that
    write thousands at once with bulk_create, as the bulk commands do."""
    from search.models import SearchEntry

    return SearchEntry(
        version=version,
        kind=version.kind,
        key=version.key,
        language=version.language,
        title=title,
        body=body,
    )


def live_version(key: str, language: str, title: str, *, reviewer, approved_at, **extra):
    """An unsaved live topic version (reviews.PublishedVersion) with `title`, for tests
    that write thousands at once with bulk_create, as the bulk commands do (no approval
    workflow); `extra` sets or overrides fields (payload, sort_title, ...)."""
    from reviews.models import PublishedVersion

    fields = {
        "kind": "topic",
        "key": key,
        "language": language,
        "payload": {"title": title},
        "source": {},
        "fingerprint": "x",
        "approved_by": reviewer,
        "reviewer_credit": "r",
        "approved_at": approved_at,
        "next_review_due": date(2099, 1, 1),
        "sort_title": title.lower(),
    }
    return PublishedVersion(**{**fields, **extra})


def searched_version(
    key: str, title: str, body: str, language: str = "en", *, reviewer, approved_at
):
    """An unsaved live topic version whose payload is `title` and, as its summary, `body`:
    what its search entry reads (search.index.entry_for), for the search tests that write
    hundreds at once (see live_version)."""
    payload = {"title": title, "summary": body}
    return live_version(
        key, language, title, reviewer=reviewer, approved_at=approved_at, payload=payload
    )
