"""Published content for tests: the site (notices and regions), topics, the real corpus,
and readers of what pages show. The fixtures built from these (`reviewer`, `site`,
`corpus`, and their once-per-module forms) are in tests/conftest.py."""

from __future__ import annotations

import json
import re

from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape

from articles.models import PreventionTip, Reference, ReliefMeasure, WarningSign
from staff import roles
from tests.support.factories import (
    LANGUAGES,
    make_region,
    make_topic,
    make_user,
    publish,
    publish_many,
    publish_site_notices,
    texts,
)

REGIONS = ("legs", "back")
REVIEWER_CREDIT = "Dr Ada Reviewer, neurologist"


def make_reviewer():
    return make_user(roles.REVIEWERS, languages=LANGUAGES, credit=REVIEWER_CREDIT)


def build_site(reviewer) -> None:
    """The site notices and two regions, approved in every language by `reviewer`."""
    publish_site_notices(reviewer=reviewer)
    publish_many([make_region(slug) for slug in REGIONS], reviewer=reviewer)


def build_corpus() -> None:
    """The real content, loaded and approved as `make run` plus `seed_demo` would."""
    call_command("load_content", verbosity=0)
    call_command("seed_demo", verbosity=0)


def publish_topic(slug, *, reviewer, languages=LANGUAGES, regions=("legs",), measures=1, **extra):
    """A topic written in all languages and approved in `languages` (English first)."""
    article = make_topic(slug, regions=regions, measures=measures, **extra)
    if languages:
        publish(article, languages, reviewer=reviewer)
    return article


def make_rich_topic(slug="rich-topic", *, regions=("legs",)):
    """A topic with every kind of part: all urgencies (typed least urgent first), every
    relief kind, prevention tips and a source, in every language. Not yet published."""
    article = make_topic(slug, regions=regions, measures=0)
    WarningSign.objects.create(
        article=article, urgency="routine", order=0, **texts("text", "Routine sign")
    )
    WarningSign.objects.create(
        article=article, urgency="urgent", order=1, **texts("text", "Urgent sign")
    )
    for order, kind in enumerate(["self_care", "exercise", "medicine", "traditional"]):
        ReliefMeasure.objects.create(
            article=article,
            kind=kind,
            order=order,
            **texts("title", f"Relief {kind}"),
            **texts("how_to", f"How to {kind}"),
            **texts("caution", f"Caution {kind}"),
        )
    ReliefMeasure.objects.create(
        article=article, kind="professional", order=9, **texts("title", "Relief professional")
    )
    PreventionTip.objects.create(
        article=article, **texts("title", "Tip title"), **texts("text", "Tip text")
    )
    Reference.objects.create(
        article=article,
        publisher="NHS",
        title="Reference page title",
        url="https://www.nhs.uk/conditions/example/",
        language="en",
        checked="2026-12-01",
    )
    for field in ("symptoms", "causes", "risk_factors"):
        for code in LANGUAGES:
            setattr(article, f"{field}_{code}", f"{field} text [{code}]")
    article.save()
    return article


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


# Reviewed site notices (public.frame) the page shows, by key.
FALLBACK_NOTICE = "not_translated"
OUTDATED_NOTICE = "translation_outdated"


def notice(language: str, key: str) -> str:
    """A reviewed notice's text as a page in `language` shows it (its approved version in
    that language), up to its first placeholder."""
    from reviews.models import PublishedVersion

    version = PublishedVersion.objects.live(language, "notice").get(key=key)
    return escape(version.payload["text"].split("{")[0].strip())


def ui(language: str, msgid: str) -> str:
    """An interface string as a page in `language` shows it, up to its first placeholder.

    Pages are translated, so tests look for the string in the page's language rather
    than for its English wording."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return escape(text.split("%(")[0].strip())


SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def sitemap_files(client) -> dict[str, str]:
    """{path: XML} of /sitemap.xml (the index) and of every file it lists."""
    from urllib.parse import urlsplit
    from xml.etree import ElementTree

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    files = {"/sitemap.xml": index.content.decode()}
    root = ElementTree.fromstring(index.content)  # noqa: S314 - our own output
    for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS):
        parts = urlsplit(loc.text)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        assert response.status_code == 200, path
        files[path] = response.content.decode()
    return files


def sitemap_urls(client) -> dict[str, dict[str, str]]:
    """{address: {hreflang: alternate address}} of every address in the sitemaps."""
    from xml.etree import ElementTree

    urls = {}
    for path, xml in sitemap_files(client).items():
        if path == "/sitemap.xml":
            continue
        root = ElementTree.fromstring(xml)  # noqa: S314 - our own output
        for url in root.findall("s:url", SITEMAP_NS):
            loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
            assert loc not in urls, f"{loc} listed twice"
            urls[loc] = {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
            }
    return urls
