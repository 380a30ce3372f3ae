"""The public pages: every URL in every language, the topic page's parts and order,
language fallback and switcher, metadata, sitemap, robots.txt, health check, caching."""

import os
import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.formats import date_format

from reviews import workflow
from reviews.models import PublishedVersion
from tests.support.factories import publish
from tests.support.published import (
    FALLBACK_NOTICE,
    OUTDATED_NOTICE,
    hreflangs,
    json_ld,
    make_rich_topic,
    notice,
    publish_topic,
    sitemap_files,
    sitemap_urls,
)

# The site per test: the sitemap test pages through topics whose sort keys tie, whose
# order is not fixed (building the site once for the module made it list one twice).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RTL = {"ar"}


def direction(code):
    return "rtl" if code in RTL else "ltr"


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def carries_notices(html, language):
    """Every page: the disclaimer and emergency notice in the page's language."""
    assert f"disclaimer text [{language}]" in html
    assert f"emergency text [{language}]" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_url_answers_in_every_language(client, site, language):
    publish_topic("leg-cramps", reviewer=site)
    urls = [
        f"/{language}/",
        f"/{language}/regions/legs/",
        f"/{language}/topics/leg-cramps/",
        f"/{language}/search/",
        f"/{language}/search/?q=leg",
    ]
    for url in urls:
        html = page(client, url)
        assert f'<html lang="{language}" dir="{direction(language)}">' in html
        carries_notices(html, language)
        # The switcher links to the same page in every language.
        for code in LANGUAGES:
            path = url.replace(f"/{language}/", f"/{code}/", 1).split("?")[0]
            assert f'href="{path}' in html, (url, code)
        assert 'aria-current="page"' in html


def test_machine_urls_answer(client, site):
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/healthz/").status_code == 200


def test_root_redirects_to_english_by_default(client):
    assert client.get("/")["Location"] == "/en/"


def test_home_has_body_map_region_list_search_and_emergency_notice(client, site):
    html = page(client, "/en/")
    # Body map: SVG links with accessible names, for the published regions only.
    svg = html[html.index('<figure class="body-map"') : html.index("</figure>")]  # both views
    assert re.search(
        r'<a href="/en/regions/legs/" class="map-region" aria-label="Legs \[en\]"', svg
    )
    assert 'aria-label="Back [en]"' in svg
    assert "/en/regions/head/" not in svg  # not published: drawn, but not a link
    # The same regions as a plain list, in the body map's order (back before legs).
    listing = html[html.index('class="region-list"') :]
    assert listing.index("/en/regions/back/") < listing.index("/en/regions/legs/")
    assert 'role="search"' in html and 'name="q"' in html
    carries_notices(html, "en")


def test_home_in_arabic_is_right_to_left_with_arabic_regions(client, site):
    html = page(client, "/ar/")
    assert '<html lang="ar" dir="rtl">' in html
    assert "Legs [ar]" in html and "Legs [en]" not in html


def test_region_page_shows_notice_then_its_topics_in_the_visitors_language(client, site):
    publish_topic("leg-cramps", reviewer=site, regions=("legs",))
    publish_topic("back-pain", reviewer=site, regions=("back",))
    html = page(client, "/ru/regions/legs/")
    assert "<h1>Legs [ru]</h1>" in html
    body = html.split("</head>", 1)[1]  # the head's JSON-LD lists the topics too
    assert body.index("legs notice [ru]") < body.index("Leg cramps [ru]")
    assert "Summary of Leg cramps [ru]" in html
    assert 'href="/ru/topics/leg-cramps/"' in html
    assert "Back pain" not in html


def test_region_page_marks_untranslated_topics_as_english(client, site):
    publish_topic("leg-cramps", reviewer=site, languages=["en"])
    html = page(client, "/es/regions/legs/")
    assert re.search(r'<div lang="en" dir="ltr">\s*<h3><a href="/es/topics/leg-cramps/">', html)
    assert "Leg cramps [es]" not in html
    assert 'class="untranslated"' in html


def test_topic_page_parts_in_order(client, site):
    publish(make_rich_topic("rich-topic"), reviewer=site)
    html = page(client, "/en/topics/rich-topic/")
    order = [
        'id="topic-title"',
        'class="summary">Summary of Rich topic [en]',
        # Help first (issue 23): the care cards, then the region's notice and contents.
        'id="help-heading"',
        "Call now [en]",  # emergency first although typed last
        "Urgent sign [en]",
        "Routine sign [en]",
        "legs notice [en]",
        'id="page-contents"',
        'id="section-what_it_is"',
        'id="relief-heading"',
        "Relief self_care [en]",
        "Relief professional [en]",
        "Relief medicine [en]",
        "Relief traditional [en]",
        'id="exercises-heading"',
        "Relief exercise [en]",
        'id="prevention-heading"',
        "Tip title [en]",
        'id="sources-heading"',
        "Reference page title",
        'Medically reviewed by <span lang="en" dir="ltr">Dr Ada Reviewer, neurologist</span> on',
        "disclaimer text [en]",
    ]
    body = html.split("</head>", 1)[1]  # the head's JSON-LD names some of them too
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions), [m for m, p in zip(order, positions, strict=True)]


def test_sections_come_in_the_models_order_in_every_process():
    import subprocess
    import sys

    from articles.models import Article
    from public.labels import topic_sections

    payload = {
        f"{name}_html": "<p>x</p>" for name in ("risk_factors", "causes", "symptoms", "what_it_is")
    }
    expected = ["what_it_is", "symptoms", "causes", "risk_factors"]
    assert [section["key"] for section in topic_sections(payload)] == expected
    assert [f.name for f in Article._meta.fields if f.name in expected] == expected
    # String hashing differs per process: the order must not depend on it.
    code = (
        "import django; django.setup(); from reviews.registry import registry;"
        "from articles.models import Article; print(registry.for_model(Article).sections)"
    )
    for seed in ("1", "2", "3"):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed,
                 "DJANGO_SETTINGS_MODULE": "healthsite.settings.test"},
        ).stdout  # fmt: skip
        assert out.strip() == str(tuple(expected)), seed


def test_topic_page_contents_link_to_every_section_in_the_content_language(client, site):
    publish(make_rich_topic("rich-topic"), reviewer=site)
    for code in ("en", "ar"):
        html = page(client, f"/{code}/topics/rich-topic/")
        nav = re.search(r'<nav class="page-contents".*?</nav>', html, re.S).group(0)
        targets = re.findall(r'<a href="#([^"]+)">', nav)
        headings = re.findall(r'<h2 id="([^"]+)"', html.split('id="page-contents"', 1)[1])
        # Every section heading after the list, in order (the disclaimer and the
        # "Is this page useful?" form are the site's, not the topic's).
        skipped = ("contents-heading", "disclaimer-heading", "feedback-heading")
        assert targets == [h for h in headings if h not in skipped]
        # "When to get help" and "What you can do now" come before the list (issue 23).
        assert targets[0] == "section-what_it_is" and targets[-1] == "sources-heading"
        # Inside the article, so in the content's language and direction.
        article = html.index(f'<article class="topic" lang="{code}"')
        assert article < html.index('id="page-contents"') < html.index("</article>")
        assert html.count('href="#page-contents"') == 2  # after relief, at the end


def test_topic_page_care_cards_and_relief_markings(client, site):
    publish(make_rich_topic("rich-topic"), reviewer=site)
    html = page(client, "/en/topics/rich-topic/")
    emergency = html[html.index("care-card-emergency") : html.index("care-card-urgent")]
    assert "Emergency: call the emergency number now" in emergency
    assert "emergency text [en]" in emergency  # the emergency number, inside the card
    medicine = html[html.index("relief-medicine") : html.index("relief-traditional")]
    assert "Only as prescribed by a doctor" in medicine
    traditional = html[html.index("relief-traditional") : html.index('id="exercises-heading"')]
    assert "Traditional remedy" in traditional and "little scientific evidence" in traditional
    assert "Caution traditional [en]" in traditional


def test_topic_review_line_and_overdue(client, site):
    publish_topic("leg-cramps", reviewer=site)
    version = PublishedVersion.objects.live("en", "topic").get(key="leg-cramps")
    html = page(client, "/en/topics/leg-cramps/")
    with translation.override("en"):
        due = date_format(version.next_review_due, "DATE_FORMAT")
    assert f"next review due {due}." in html
    assert "Review overdue" not in html
    PublishedVersion.objects.filter(pk=version.pk).update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )
    cache.clear()  # the update stands for days passing: the page cache keeps pages a day
    assert "Review overdue" in page(client, "/en/topics/leg-cramps/")


def test_untranslated_topic_falls_back_to_english_marked_lang_en(client, site):
    publish_topic("leg-cramps", reviewer=site, languages=["en", "ru"])
    html = page(client, "/ar/topics/leg-cramps/")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article class="topic" lang="en" dir="ltr"' in html
    assert "Leg cramps [en]" in html and "Leg cramps [ar]" not in html
    assert notice("ar", FALLBACK_NOTICE) in html
    # The page around the content stays Arabic: the notices and region name.
    carries_notices(html, "ar")
    assert "legs notice [ar]" in html
    # Only the published languages are alternates; the fallback is canonical to English.
    assert set(hreflangs(html)) == {"en", "ru", "x-default"}
    assert '<link rel="canonical" href="http://testserver/en/topics/leg-cramps/">' in html
    assert json_ld(html)["inLanguage"] == "en"


def test_translated_topic_has_no_fallback_notice(client, site):
    publish_topic("leg-cramps", reviewer=site)
    html = page(client, "/ar/topics/leg-cramps/")
    assert '<article class="topic" lang="ar" dir="rtl"' in html
    assert notice("ar", FALLBACK_NOTICE) not in html
    assert set(hreflangs(html)) == {*LANGUAGES, "x-default"}


def test_outdated_translation_says_so(client, site):
    article = publish_topic("leg-cramps", reviewer=site, languages=["en", "ru"])
    article.title_en = "Leg cramps, revised"
    article.save()
    workflow.record_edits(article, by=None)
    publish(article, ["en"], reviewer=site)
    html = page(client, "/ru/topics/leg-cramps/")
    assert notice("ru", OUTDATED_NOTICE) in html
    assert 'href="/en/topics/leg-cramps/"' in html
    assert notice("en", OUTDATED_NOTICE) not in page(client, "/en/topics/leg-cramps/")


def test_topic_json_ld(client, site):
    publish_topic("leg-cramps", reviewer=site)
    data = json_ld(page(client, "/es/topics/leg-cramps/"))
    version = PublishedVersion.objects.live("es", "topic").get(key="leg-cramps")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["inLanguage"] == "es"
    assert data["lastReviewed"] == version.approved_at.date().isoformat()
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr Ada Reviewer, neurologist"}
    assert data["about"]["name"] == "Leg cramps [es]"
    assert data["url"] == "http://testserver/es/topics/leg-cramps/"


def test_json_ld_cannot_break_out_of_its_script(client, site):
    article = publish_topic("leg-cramps", reviewer=site, languages=[])
    article.title_en = "Cramps </script><script>alert(1)</script> a < b > c & d"
    article.save()
    publish(article, ["en"], reviewer=site)
    html = page(client, "/en/topics/leg-cramps/")
    # The title is shown as typed (issue 10: angle brackets are text), never as markup.
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    start = html.index('<script type="application/ld+json">') + 35
    script = html[start : html.index("</script>", start)]
    assert "<" not in script and ">" not in script and "&" not in script
    assert json_ld(html)["name"].endswith("a < b > c & d")
    # Shown once-escaped, never double-escaped.
    assert "a &lt; b &gt; c &amp; d</h1>" in html


def test_sitemap_lists_live_pages_with_alternates_of_published_languages(client, site):
    publish_topic("leg-cramps", reviewer=site, languages=["en", "es"])
    response = client.get("/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    entries = sitemap_urls(client)
    base = "http://testserver"
    topic = {"en": f"{base}/en/topics/leg-cramps/", "es": f"{base}/es/topics/leg-cramps/"}
    assert entries[f"{base}/en/topics/leg-cramps/"] == {**topic, "x-default": topic["en"]}
    assert entries[f"{base}/es/topics/leg-cramps/"] == {**topic, "x-default": topic["en"]}
    assert f"{base}/ar/topics/leg-cramps/" not in entries
    for code in LANGUAGES:
        assert set(entries[f"{base}/{code}/"]) == {*LANGUAGES, "x-default"}
        assert entries[f"{base}/{code}/"]["x-default"] == f"{base}/en/"
        assert set(entries[f"{base}/{code}/regions/legs/"]) == {*LANGUAGES, "x-default"}
    assert f"{base}/en/regions/head/" not in entries
    assert not any("/search/" in loc for loc in entries)
    # x-default names a page that answers, the same one the page itself names.
    page = client.get("/es/topics/leg-cramps/").content.decode()
    assert f'hreflang="x-default" href="{topic["en"]}"' in page
    assert client.get("/en/topics/leg-cramps/").status_code == 200


def test_each_sitemap_file_dates_a_page_by_its_own_languages_approval(client, site):
    """An address's <lastmod> is when the version in the file's language was approved, not
    when another language's was (the file reads only its own language's dates)."""
    from datetime import datetime

    from reviews.models import PublishedVersion

    publish_topic("leg-cramps", reviewer=site, languages=["en", "es"])
    live = PublishedVersion.objects.live(kind="topic").filter(key="leg-cramps")
    live.filter(language="en").update(approved_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    live.filter(language="es").update(approved_at=datetime(2026, 9, 9, 12, tzinfo=UTC))
    for code, day in (("en", "2026-03-01"), ("es", "2026-09-09")):
        xml = client.get(f"/sitemap-topics-{code}.xml").content.decode()
        entry = xml.split(f"/{code}/topics/leg-cramps/</loc>")[1].split("</url>")[0]
        assert f"<lastmod>{day}</lastmod>" in entry, (code, entry)


def test_sitemap_files_stay_bounded_and_unknown_ones_are_not_found(client, site, monkeypatch):
    from public import sitemaps

    monkeypatch.setattr(sitemaps._LanguageSitemap, "limit", 2)
    for number in range(5):
        publish_topic(f"topic-{number}", reviewer=site, languages=["en"])
    files = sitemap_files(client)
    english = [path for path in files if path.startswith("/sitemap-topics-en.xml")]
    assert english == [
        "/sitemap-topics-en.xml",
        "/sitemap-topics-en.xml?p=2",
        "/sitemap-topics-en.xml?p=3",
    ]
    assert all(files[path].count("<url>") <= 2 for path in english)
    assert len(sitemap_urls(client)) == 4 + 2 * 4 + 5  # homes, regions, topics
    for path in [
        "/sitemap-topics-en.xml?p=4",
        "/sitemap-topics-en.xml?p=0",
        "/sitemap-topics-en.xml?p=x",
        "/sitemap-topics-en.xml?p=2.0",
        f"/sitemap-topics-en.xml?p={10**30}",  # past any OFFSET a database takes
        "/sitemap-home.xml?p=2",
        "/sitemap-nothing.xml",
    ]:
        assert client.get(path).status_code == 404, path


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    for code in LANGUAGES:
        assert f"Disallow: /{code}/search/" in text


def test_healthz_touches_the_database(client, django_assert_num_queries, monkeypatch):
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == "ok"
    assert "database: ok" in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    def broken(*args, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr("reviews.models.PublishedVersionQuerySet.exists", broken)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.content.decode().splitlines()[:2] == ["down", "database: unavailable"]


@pytest.mark.parametrize(
    "url", ["/en/", "/ar/regions/legs/", "/es/topics/leg-cramps/", "/ru/search/?q=leg"]
)
def test_public_pages_are_cacheable_and_never_vary_on_cookies(client, site, url):
    publish_topic("leg-cramps", reviewer=site)
    response = client.get(url)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "cookie" not in response.get("Vary", "").lower()
    assert not response.cookies
    etag = response["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_pages_need_no_javascript_and_no_third_party_requests(client, site):
    publish(make_rich_topic("rich-topic"), reviewer=site)
    for url in ["/en/", "/en/regions/legs/", "/en/topics/rich-topic/", "/en/search/?q=rich"]:
        html = page(client, url)
        assert "<script" not in html.replace('<script type="application/ld+json">', "")
        # Links out are only the references readers may follow; nothing is fetched.
        outside_references = re.sub(r'<ul class="references">.*?</ul>', "", html, flags=re.S)
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', outside_references):
            assert not attribute.startswith(("http://", "https://", "//")) or attribute.startswith(
                "http://testserver/"
            ), attribute


def test_body_map_and_landmarks_are_accessible_markup(client, site):
    html = page(client, "/en/")
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert html.count("<h1") == 1
    for link in re.findall(r'<a href="[^"]+" class="map-region"[^>]*>', html):
        assert 'aria-label="' in link


def test_stylesheet_is_local_with_print_rules_and_logical_properties():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    assert "@import" not in css and "url(" not in css  # no fonts or images from anywhere
    # Right-to-left pages mirror by themselves: no physical left/right in the layout.
    assert not re.search(r"(margin|padding|border)-(left|right)|text-align:\s*(left|right)", css)
