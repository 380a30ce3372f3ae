"""The review promise on the public site: only approved text, exactly as approved, ever
reaches a page, a list, search, the sitemap, JSON-LD, the hreflang links, the content
API (every endpoint, in every language) or the Atom feeds."""

import json
import re

import pytest
from django.conf import settings

from articles.models import BodyRegion, SiteNotice
from reviews import workflow
from tests.support.factories import make_topic, make_user, publish
from tests.support.published import json_ld, publish_topic, sitemap_files

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def everything_public(client, slug, search_words=()):
    """The text of every public place a topic could appear in, by URL."""
    urls = ["/sitemap.xml", "/robots.txt"]
    for code in LANGUAGES:
        urls += [f"/{code}/", f"/{code}/regions/legs/", f"/{code}/topics/{slug}/"]
        urls += [f"/{code}/search/?q={word}" for word in search_words]
        urls += [f"/{code}/topics/other-topic/"]  # a neighbour: its links and metadata
        urls += [f"/{code}/topics/{slug}/?country=GB", f"/{code}/emergency-numbers/"]
        urls += [f"/{code}/feed/"]
        urls += [f"/{code}/a-z/"]
        api = f"/api/v1/{code}"
        urls += [f"{api}/topics/", f"{api}/topics/{slug}/", f"{api}/topics/other-topic/"]
        urls += [f"{api}/regions/", f"{api}/regions/legs/", f"{api}/notices/"]
    pages = {}
    # Every sitemap file, and all of them together under "/sitemap.xml".
    sitemaps = sitemap_files(client)
    for url, xml in sitemaps.items():
        pages[url] = (200, xml)
    pages["/sitemap.xml"] = (200, "\n".join(sitemaps.values()))
    urls.remove("/sitemap.xml")
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        html = response.content.decode()
        if "/search/" in url:
            # The page repeats the query itself; only what it found matters here.
            word = url.split("?q=")[1]
            html = re.sub(re.escape(word), "", html, flags=re.IGNORECASE)
        pages[url] = (response.status_code, html)
    return pages


def assert_nowhere(pages, *texts):
    for url, (_status, html) in pages.items():
        for text in texts:
            assert text.casefold() not in html.casefold(), (text, url)


def test_a_draft_never_approved_is_nowhere(client, site):
    publish_topic("other-topic", reviewer=site)
    make_topic("draft-topic", title="Secretdraft")
    pages = everything_public(client, "draft-topic", ["secretdraft", "Summary"])
    for code in LANGUAGES:
        assert pages[f"/{code}/topics/draft-topic/"][0] == 404
        assert pages[f"/api/v1/{code}/topics/draft-topic/"][0] == 404
    assert_nowhere(pages, "Secretdraft", "draft-topic")


def test_an_edit_after_approval_changes_nothing_public(client, site):
    publish_topic("other-topic", reviewer=site)
    article = publish_topic("edited-topic", reviewer=site, title="Approvedtitle")
    for code in LANGUAGES:
        setattr(article, f"title_{code}", f"Newsecret [{code}]")
        setattr(article, f"summary_{code}", f"Newsummary [{code}]")
    article.save()
    workflow.record_edits(article, by=None)
    # Even submitted for review, it is not public until approved.
    editor = make_user("Editors")
    workflow.submit(workflow.version_for(article, "en"), by=editor)

    words = ["newsecret", "newsummary", "approvedtitle"]
    pages = everything_public(client, "edited-topic", words)
    assert_nowhere(pages, "Newsecret", "Newsummary")
    for code in LANGUAGES:
        assert "/topics/edited-topic/" not in pages[f"/{code}/search/?q=newsecret"][1]
        assert "/topics/edited-topic/" not in pages[f"/{code}/search/?q=newsummary"][1]
    for code in LANGUAGES:
        status, html = pages[f"/{code}/topics/edited-topic/"]
        assert status == 200
        assert f"Approvedtitle [{code}]" in html
        assert json_ld(html)["name"] == f"Approvedtitle [{code}]"
        api = json.loads(pages[f"/api/v1/{code}/topics/edited-topic/"][1])
        assert api["title"] == f"Approvedtitle [{code}]"
        assert f"<title>Approvedtitle [{code}]</title>" in pages[f"/{code}/feed/"][1]
        assert f"Approvedtitle [{code}]" in pages[f"/{code}/regions/legs/"][1]
        assert (
            f'href="/{code}/topics/edited-topic/"' in pages[f"/{code}/search/?q=approvedtitle"][1]
        )
    assert "/en/topics/edited-topic/" in pages["/sitemap.xml"][1]


def test_a_withdrawn_topic_is_gone_from_every_public_place(client, site):
    publish_topic("other-topic", reviewer=site)
    publish_topic("withdrawn-topic", reviewer=site, title="Withdrawnword")
    # It was public: the check below would catch a stale list.
    assert "withdrawn-topic" in client.get("/en/regions/legs/").content.decode()
    for code in LANGUAGES:  # the A–Z lists and the neighbour's page, cached before
        assert "withdrawn-topic" in client.get(f"/{code}/a-z/").content.decode()
    workflow.withdraw("topic", "withdrawn-topic", by=site, reason="unsafe advice")
    pages = everything_public(client, "withdrawn-topic", ["withdrawnword", "summary"])
    for code in LANGUAGES:
        assert pages[f"/{code}/topics/withdrawn-topic/"][0] == 410
        assert pages[f"/api/v1/{code}/topics/withdrawn-topic/"][0] == 410
    assert_nowhere(pages, "Withdrawnword", "withdrawn-topic")


def test_an_unapproved_language_falls_back_to_english_and_is_never_shown(client, site):
    publish_topic("other-topic", reviewer=site)
    article = publish_topic("partial-topic", reviewer=site, languages=["en", "ru"])
    article.title_ar = "عنوانسري"  # written, never approved
    article.save()
    workflow.record_edits(article, by=None)
    pages = everything_public(client, "partial-topic", ["عنوانسري", "partial"])
    assert_nowhere(pages, "عنوانسري", "Partial topic [ar]", "Partial topic [es]")
    for code in ("ar", "es"):
        status, html = pages[f"/{code}/topics/partial-topic/"]
        assert status == 200
        assert '<article class="topic" lang="en" dir="ltr"' in html
        assert "Partial topic [en]" in html
        assert json_ld(html)["inLanguage"] == "en"
        api = json.loads(pages[f"/api/v1/{code}/topics/partial-topic/"][1])
        assert (api["language"], api["fallback"], api["title"]) == (
            "en",
            True,
            "Partial topic [en]",
        )
        assert (
            f'hreflang="{code}" href="http://testserver/{code}/topics/partial-topic/"' not in html
        )
        region = pages[f"/{code}/regions/legs/"][1]
        assert "Partial topic [en]" in region
    sitemap = pages["/sitemap.xml"][1]
    assert "/ru/topics/partial-topic/" in sitemap
    assert "/ar/topics/partial-topic/" not in sitemap
    assert "/es/topics/partial-topic/" not in sitemap
    # Found in English from the Arabic search, marked as English.
    found = client.get("/ar/search/?q=partial").content.decode()
    assert '<li lang="en" dir="ltr">' in found and "Partial topic [en]" in found


def test_edited_notices_and_regions_stay_as_approved(client, site):
    notice = SiteNotice.objects.get(key="disclaimer")
    notice.text_en = "Unapproved disclaimer"
    notice.save()
    region = BodyRegion.objects.get(slug="legs")
    region.notice_en = "Unapproved legs notice"
    region.name_en = "Unapproved legs"
    region.save()
    publish_topic("leg-cramps", reviewer=site)
    for url in ["/en/", "/en/regions/legs/", "/en/topics/leg-cramps/", "/en/nope/"]:
        html = client.get(url).content.decode()
        assert "Unapproved" not in html, url
        assert "disclaimer text [en]" in html
    for url in ["/api/v1/en/notices/", "/api/v1/en/regions/", "/api/v1/en/regions/legs/"]:
        text = client.get(url).content.decode()
        assert "Unapproved" not in text and ("legs notice [en]" in text or "disclaimer" in text)


def test_a_withdrawn_region_leaves_the_map_and_its_page(client, site):
    publish(make_topic("leg-cramps", regions=("legs",)), reviewer=site)
    workflow.withdraw("region", "legs", by=site, reason="wrong notice")
    assert client.get("/en/regions/legs/").status_code == 410
    home = client.get("/en/").content.decode()
    assert "/en/regions/legs/" not in home
    assert not any("/regions/legs/" in xml for xml in sitemap_files(client).values())
    assert client.get("/api/v1/en/regions/legs/").status_code == 410
    assert "legs" not in client.get("/api/v1/en/regions/").content.decode()
    assert "legs notice" not in client.get("/api/v1/en/topics/leg-cramps/").content.decode()
    # The topic itself stays, without the withdrawn region's name or notice.
    topic = client.get("/en/topics/leg-cramps/").content.decode()
    assert "legs notice" not in topic and "/en/regions/legs/" not in topic


def test_the_search_index_holds_approved_live_text_only(client, site):
    """Below the pages: the full-text engine itself never finds a draft, an edit waiting
    for review or a withdrawn topic, in any language."""
    from search import index as search_index

    def engine_finds(word):
        return {
            (version.key, version.language)
            for code in LANGUAGES
            for version in search_index.search(
                [word], kind="topic", language=code, fallback="en", limit=50, offset=0
            )
        }

    make_topic("draft-topic", title="Secretdraft")
    edited = publish_topic("edited-topic", reviewer=site, title="Approvedtitle")
    for code in LANGUAGES:
        setattr(edited, f"title_{code}", f"Newsecret [{code}]")
    edited.save()
    workflow.record_edits(edited, by=None)
    workflow.submit(workflow.version_for(edited, "en"), by=make_user("Editors"))
    publish_topic("withdrawn-topic", reviewer=site, title="Withdrawnword")
    workflow.withdraw("topic", "withdrawn-topic", by=site, reason="unsafe advice")

    assert engine_finds("secretdraft") == set()
    assert engine_finds("newsecret") == set()
    assert engine_finds("withdrawnword") == set()
    assert engine_finds("approvedtitle") == {("edited-topic", code) for code in LANGUAGES}


def test_a_held_translation_is_nowhere_and_its_readers_get_english(client, site):
    """Issue 22: an English approval that rewords a red flag holds the translations."""
    from articles.models import Article, WarningSign

    publish_topic("other-topic", reviewer=site)
    article = publish_topic("held-topic", reviewer=site, title="Heldword")
    WarningSign.objects.filter(article=article).update(text_en="Call at once [en]")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=None)
    editor = make_user("Editors", languages=["en"])
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    workflow.approve(version, reviewer=site, shown=workflow.as_shown(version))
    pages = everything_public(client, "held-topic", ["heldword", "Call"])
    held = [f"Heldword [{code}]" for code in LANGUAGES if code != "en"]
    assert_nowhere(pages, *held)
    for code in LANGUAGES[1:]:
        status, html = pages[f"/{code}/topics/held-topic/"]
        assert status == 200
        assert '<article class="topic" lang="en" dir="ltr"' in html
        assert "Call at once [en]" in html and "notice-translation" in html
        assert json_ld(html)["inLanguage"] == "en"
        api = json.loads(pages[f"/api/v1/{code}/topics/held-topic/"][1])
        assert (api["language"], api["fallback"]) == ("en", True)
        assert f'hreflang="{code}" href="http://testserver/{code}/topics/held-topic/"' not in html
        assert f"/{code}/topics/held-topic/" not in pages["/sitemap.xml"][1]
        # Found in English (the page drops the query word itself, see everything_public).
        found = pages[f"/{code}/search/?q=heldword"][1]
        assert (
            f'<li lang="en" dir="ltr">\n            <h3><a href="/{code}/topics/held-topic/">'
            in found
        )
    assert "/en/topics/held-topic/" in pages["/sitemap.xml"][1]
    # The held translations' A–Z places are gone with them (the new English is listed).
    from reviews.models import TitleOrder

    placed = TitleOrder.objects.filter(version__key="held-topic")
    assert set(placed.values_list("version__language", flat=True)) == {"en"}
    assert set(placed.values_list("version__is_current", flat=True)) == {True}


def test_a_withdrawal_between_a_region_page_s_two_reads_is_not_shown(site):
    """A region page reads which topics are on it, then those topics. A withdrawal
    committed between the two reads is left out of the page (the second read asks for
    live versions again), as one read would have."""
    from django.db import connection

    from public.readers import pages

    publish_topic("other-topic", reviewer=site)
    publish_topic("withdrawn-topic", reviewer=site, title="Withdrawnword")
    assert "withdrawn-topic" in [shown.key for shown in pages.region_topics("legs", "en").items]
    reads = []

    def withdraw_after_the_first_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "MATERIALIZED" in sql and not reads:
            reads.append(sql)
            workflow.withdraw("topic", "withdrawn-topic", by=site, reason="unsafe advice")
        return result

    with connection.execute_wrapper(withdraw_after_the_first_read):
        page = pages.region_topics("legs", "en")
    assert reads, "the page's first read was not seen"
    assert "withdrawn-topic" not in [shown.key for shown in page.items]
    assert "other-topic" in [shown.key for shown in page.items]
