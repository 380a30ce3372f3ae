"""Staff security in a real browser (Debian's Chromium through Playwright): the
Content-Security-Policy holds on every public page type and the admin pages staff use,
with no violation reported by the browser; a translated <script> never runs."""

from pathlib import Path

import pytest

from articles.models import Article
from reviews import workflow
from staff import roles
from tests import test_browser as public_browser
from tests.support.factories import LANGUAGES, make_region, make_user, publish, publish_site_notices
from tests.support.published import publish_topic

# The browser and the database restore come from the public-site browser tests.
pytestmark = public_browser.pytestmark
in_browser = public_browser.in_browser
restore_database_afterwards = public_browser.restore_database_afterwards

# Each page records the violations the browser reports, before any of its scripts run.
RECORD_VIOLATIONS = """
window.__csp_violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__csp_violations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} `
    + `at ${event.sourceFile}:${event.lineNumber}`);
});
"""

PUBLIC_PAGES = [
    "/",
    "/en/",
    "/ar/",
    "/en/regions/legs/",
    "/ru/regions/legs/",
    "/en/topics/cramps/",
    "/ar/topics/cramps/",
    "/ar/topics/english-only/",  # the English fallback
    "/es/search/?q=cramps",
    "/en/search/?q=",
    "/en/no-such-page/",
    "/robots.txt",
]
# XML and JSON for machines: Chromium shows XML without markup of its own in its built-in
# viewer, whose inline style the policy blocks (the browser's, not the site's), so these
# are fetched without rendering and only their policy header is checked.
MACHINE_DOCUMENTS = ["/sitemap.xml", "/en/feed/", "/ar/feed/", "/api/v1/en/topics/"]


def watch(context):
    """Start recording CSP reports (events and console messages) in every page."""
    context.add_init_script(RECORD_VIOLATIONS)
    messages = []
    context.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return messages


def visit(page, url, found):
    response = page.goto(url)
    assert response.ok or "no-such-page" in url, (url, response.status)
    assert "default-src 'none'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    for violation in page.evaluate("() => window.__csp_violations || []"):
        found.append(f"{url}: {violation}")


@pytest.fixture
def small_site(live_server):
    """Notices, a region and two topics published; a Russian change awaiting review;
    one user per role (password "pw")."""
    reviewer = make_user(roles.REVIEWERS, languages=LANGUAGES, username="reviewer")
    publish_site_notices(reviewer=reviewer)
    publish(make_region("legs"), reviewer=reviewer)
    article = publish_topic("cramps", reviewer=reviewer)
    publish_topic("english-only", reviewer=reviewer, languages=["en"])
    translator = make_user(roles.TRANSLATORS, languages=["ru"], username="translator")
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги мышц")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    version = workflow.submit(workflow.version_for(article, "ru"), by=translator)
    make_user(roles.REVIEWERS, languages=LANGUAGES, username="reviewer2")
    make_user(roles.SITE_ADMINS, username="siteadmin")
    return live_server.url, article.pk, version.pk


def log_in(browser, site_url, username):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{site_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{site_url}/admin/")
    return context, page


def test_public_and_admin_pages_run_with_no_csp_violation(in_browser, small_site):
    in_browser(pages_report_no_violation, *small_site)


def pages_report_no_violation(browser, site_url, article_pk, version_pk):
    found = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
        console = watch(context)
        page = context.new_page()
        for path in PUBLIC_PAGES:
            visit(page, site_url + path, found)
        for path in MACHINE_DOCUMENTS:
            response = page.request.get(site_url + path)
            assert response.ok, path
            assert "default-src 'none'" in response.headers["content-security-policy"], path
        found += console
        context.close()

    admin_pages = {
        "siteadmin": [
            "/admin/",
            f"/admin/articles/article/{article_pk}/change/",
            "/admin/articles/article/",
            "/admin/reviews/languageversion/queue/",
            "/admin/reviews/languageversion/coverage/",
            "/admin/audit/auditentry/",
            "/admin/auth/user/",
        ],
        "reviewer2": [
            f"/admin/reviews/languageversion/{version_pk}/review/",
            "/admin/reviews/languageversion/?status=submitted",
        ],
        "translator": [
            "/admin/strings/files/project/",
            "/admin/strings/files/project/ru/0/",
        ],
    }
    context = browser.new_context(locale="en-GB")
    console = watch(context)
    page = context.new_page()
    visit(page, f"{site_url}/admin/login/", found)
    context.close()
    found += console
    for username, paths in admin_pages.items():
        context, page = log_in(browser, site_url, username)
        console = watch(context)
        page = context.new_page()
        for path in paths:
            visit(page, site_url + path, found)
            assert page.locator("#container, #content").count(), path
        # Scripts that build the admin's widgets ran (the theme toggle, the sidebar).
        found += console
        context.close()
    assert not found, "\n".join(found)


# Interface strings: a translator's <script> is refused in rosetta; a catalogue holding
# one anyway (written on disk and compiled) runs no script on the pages.

SCRIPT = "<script>window.pwned = 1</script>"


@pytest.fixture
def project_catalogues(tmp_path, settings):
    """A copy of the real catalogues that the live server reads and rosetta writes."""
    import shutil

    from strings.catalogues import reset_translation_caches

    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", copy)
    settings.LOCALE_PATHS = [copy]
    settings.CATALOGUE_CHECK_SECONDS = 0
    reset_translation_caches()
    yield copy
    reset_translation_caches()


def test_script_in_an_interface_string_never_runs(in_browser, live_server, project_catalogues):
    import polib

    reviewer = make_user(roles.REVIEWERS, languages=LANGUAGES)
    publish_site_notices(reviewer=reviewer)
    publish(make_region("legs"), reviewer=reviewer)
    publish_topic("cramps", reviewer=reviewer)
    make_user(roles.TRANSLATORS, languages=["ru"], username="translator-ru")
    path = project_catalogues / "ru" / "LC_MESSAGES" / "django.po"
    before = path.read_bytes()

    in_browser(translator_saves_script_and_is_refused, live_server.url)
    assert path.read_bytes() == before  # nothing written

    # Written on disk anyway (a hand edit, a bad merge), and compiled.
    po = polib.pofile(str(path))
    po.find("Skip to content").msgstr = SCRIPT
    po.find("Search the topics").msgstr = 'Поиск" autofocus onfocus="window.pwned = 2'
    po.save(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
    in_browser(pages_run_no_translated_script, live_server.url)


def translator_saves_script_and_is_refused(browser, site_url):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{site_url}/admin/login/")
    page.fill("#id_username", "translator-ru")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.goto(f"{site_url}/admin/strings/files/project/ru/0/?query=Skip+to+content")
    box = page.locator("tr", has_text="Skip to content").locator("textarea").first
    box.fill(SCRIPT)
    page.locator("input[name=_next]").click()
    assert "Nothing was saved" in page.locator("div.messages").inner_text()
    assert "markup that the original does not have" in page.content()
    context.close()


def pages_run_no_translated_script(browser, site_url):
    context = browser.new_context(locale="ru-RU")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("/ru/", "/ru/regions/legs/", "/ru/topics/cramps/", "/ru/search/?q=x"):
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.pwned") is None, path
        assert page.locator("script:not([type='application/ld+json'])").count() == 0, path
        assert page.locator("[onfocus]").count() == 0, path
    assert dialogs == []
    context.close()
