"""Outside checks on every public page type in every language, on the real corpus: the
W3C Nu HTML Checker (vnu.jar, one JVM run over every page), meta descriptions, titles,
canonical and x-default links, and the JSON-LD against the schema.org vocabulary."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings

from staff import roles
from tests.support import schema_org
from tests.support.factories import LANGUAGES, make_user
from tests.support.published import hreflangs, json_ld, publish_topic

# The real corpus, loaded and approved once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_corpus_once")]

VNU_VERSION = "26.9.27"
VNU_DIR = Path(settings.BASE_DIR) / "var" / "vnu"
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MAX_DESCRIPTION = 160


def missing(what: str):
    """CI must run the checker (.ci/run installs what it needs); elsewhere, skip."""
    if os.environ.get("CI"):
        pytest.fail(f"needs {what}")
    pytest.skip(f"needs {what}")


def vnu_jar() -> Path:
    """vnu.jar from npm's vnu-jar package, installed into var/vnu on first use (its
    postinstall script, which would download a Java, is not run: Debian's is used)."""
    if not VNU_JAR.exists():
        if not shutil.which("npm"):
            missing("npm, to install vnu-jar (apt-get install nodejs npm)")
        VNU_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(VNU_DIR), "--ignore-scripts", "--no-audit",
             "--no-fund", f"vnu-jar@{VNU_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return VNU_JAR


def page_urls(slugs_by_kind: dict[str, list[str]]) -> list[str]:
    urls = []
    for code in LANGUAGES:
        urls += [f"/{code}/", f"/{code}/search/", f"/{code}/search/?q=cramp",
                 f"/{code}/search/?q=zzzz", f"/{code}/no-such-page/"]  # fmt: skip
        urls += [f"/{code}/regions/{slug}/" for slug in slugs_by_kind["region"]]
        urls += [f"/{code}/topics/{slug}/" for slug in slugs_by_kind["topic"]]
    return urls


@pytest.fixture(name="pages")
def pages_fixture(client, corpus):
    from reviews.models import PublishedVersion

    reviewer = make_user(roles.REVIEWERS, languages=LANGUAGES, credit="Test reviewer")
    publish_topic("english-only-test-topic", reviewer=reviewer, languages=["en"],
                  regions=("legs",))  # fmt: skip
    slugs = {
        kind: sorted(set(PublishedVersion.objects.live(kind=kind).values_list("key", flat=True)))
        for kind in ("region", "topic")
    }
    pages = {}
    for url in page_urls(slugs):
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        pages[url] = response.content.decode()
    return pages


@pytest.mark.html_checker
def test_every_page_type_and_language_passes_the_nu_html_checker(pages, tmp_path):
    """Installs vnu-jar with npm (network) and runs Java: CI runs it (`make test-outside`),
    the default selection does not."""
    no_nu_html_checker_errors(pages, tmp_path)


def test_every_page_type_and_language(client, pages):
    """One test for the checks of our own (the corpus is built once for the module)."""
    every_page_has_a_short_meta_description(pages)
    every_page_has_its_own_title(pages)
    canonical_and_x_default_links_answer_200(client, pages)
    the_sitemap_gives_each_page_the_same_x_default(client, pages)
    structured_data_is_valid_schema_org(pages)


def meta(html: str, name: str) -> list[str]:
    return [unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)">', html)]


def every_page_has_a_short_meta_description(pages):
    for url, html in pages.items():
        descriptions = meta(html, "description")
        assert len(descriptions) == 1, url
        assert 20 <= len(descriptions[0]) <= MAX_DESCRIPTION, (url, descriptions[0])


def every_page_has_its_own_title(pages):
    seen = {}
    for url, html in pages.items():
        head = html.split("</head>", 1)[0]
        titles = re.findall(r"<title>(.*?)</title>", head, re.S)
        assert len(titles) == 1, url
        if "no-such-page" in url:
            continue
        assert titles[0] not in seen, (url, seen.get(titles[0]), titles[0])
        seen[titles[0]] = url


def canonical_and_x_default_links_answer_200(client, pages):
    for url, html in pages.items():
        if "/search/" in url or "no-such-page" in url:
            continue
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
        assert len(canonical) == 1, url
        x_default = hreflangs(html).get("x-default")
        assert x_default and x_default.startswith("http://testserver/en/"), url
        for link in (canonical[0], x_default):
            assert client.get(link.removeprefix("http://testserver")).status_code == 200, link


def no_nu_html_checker_errors(pages, tmp_path):
    java = shutil.which("java")
    if not java:
        missing("java (apt-get install default-jre-headless)")
    # A canary with one known error proves that the checker ran and reports.
    (tmp_path / "canary.html").write_text(
        '<!doctype html><html lang="en"><head><title>c</title></head>'
        '<body><img src="x.png"></body></html>'
    )
    files = {"canary.html": "canary"}
    for index, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"page{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--stdout",
         *[str(path) for path in sorted(tmp_path.glob("*.html"))]],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.stdout, result.stderr
    messages = json.loads(result.stdout)["messages"]
    canary = [m for m in messages if m.get("url", "").endswith("/canary.html")]
    assert len(canary) == 1 and "alt" in canary[0]["message"], canary
    messages = [m for m in messages if m not in canary]
    errors = []
    for m in messages:
        url = files.get(m.get("url", "").rsplit("/", 1)[-1], m.get("url"))
        errors.append(f"{url}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract')!r}]")
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors[:300])


# What each page type's JSON-LD must say (issue 14), beyond being valid schema.org.
STRUCTURED_DATA = {
    "/": ("WebSite", {"name", "url", "inLanguage", "publisher", "potentialAction"}),
    "/regions/": ("CollectionPage", {"name", "description", "url", "inLanguage", "breadcrumb",
                                     "hasPart", "publisher"}),
    "/topics/": ("MedicalWebPage", {"headline", "description", "inLanguage", "datePublished",
                                    "dateModified", "lastReviewed", "reviewedBy", "publisher",
                                    "about", "citation", "breadcrumb", "url"}),
}  # fmt: skip


def structured_data_is_valid_schema_org(pages):
    checked = 0
    for url, html in pages.items():
        if "/search/" in url or "no-such-page" in url:
            assert "application/ld+json" not in html, url
            continue
        page_type = next(k for k in ("/regions/", "/topics/", "/") if k in url[3:] or k == "/")
        kind, required = STRUCTURED_DATA[page_type]
        if 'id="sources-heading"' not in html:
            required = required - {"citation"}  # a test topic without references
        data = json_ld(html)
        assert data["@type"] == kind, url
        assert required <= {key for key, value in data.items() if value}, (url, data.keys())
        assert not schema_org.validate(data), (url, schema_org.validate(data))
        checked += 1
    assert checked > 100


def sitemap_x_defaults(client) -> dict[str, str | None]:
    """{page URL: its x-default alternate} from every file of the sitemap index."""
    from xml.etree import ElementTree

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    found = {}
    for loc in index.findall("s:sitemap/s:loc", ns):
        part = ElementTree.fromstring(client.get(loc.text).content)  # noqa: S314
        for url in part.findall("s:url", ns):
            links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
            found[url.find("s:loc", ns).text] = links.get("x-default")
    return found


def the_sitemap_gives_each_page_the_same_x_default(client, pages):
    in_sitemap = sitemap_x_defaults(client)
    assert len(in_sitemap) > 100
    for location, x_default in in_sitemap.items():
        html = pages.get(location.removeprefix("http://testserver"))
        assert html is not None, location  # every page of the sitemap is checked above
        assert hreflangs(html).get("x-default") == x_default, location
