"""Staff security in a real browser (Debian's Chromium through Playwright): the
Content-Security-Policy holds on every public page type and the admin pages staff use,
with no violation reported by the browser."""

from django.contrib.auth import get_user_model

from articles.models import Article
from reviews.models import LanguageVersion
from tests import test_browser as public_browser

# The browser, the live server with the corpus loaded and the demo users, and the
# database restore come from the public-site browser tests.
pytestmark = public_browser.pytestmark
in_browser = public_browser.in_browser
site_url = public_browser.site_url
restore_database_afterwards = public_browser.restore_database_afterwards
log_in = public_browser.log_in

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
    "/ru/regions/chest/",
    "/en/topics/leg-cramps/",
    "/ar/topics/stomach-cramps/",
    "/es/search/?q=calambre",
    "/en/search/?q=",
    "/en/no-such-page/",
    "/sitemap.xml",
    "/robots.txt",
]


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
    assert "default-src 'none'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    for violation in page.evaluate("() => window.__csp_violations || []"):
        found.append(f"{url}: {violation}")


def test_public_and_admin_pages_run_with_no_csp_violation(in_browser, site_url):
    article = Article.objects.get(slug="leg-cramps")
    version = LanguageVersion.objects.filter(kind="topic", key="leg-cramps").first()
    get_user_model()  # the demo users exist (site_url ran seed_demo)
    in_browser(pages_report_no_violation, site_url, article.pk, version.pk)


def pages_report_no_violation(browser, site_url, article_pk, version_pk):
    found = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
        console = watch(context)
        page = context.new_page()
        for path in PUBLIC_PAGES:
            visit(page, site_url + path, found)
        found += console
        context.close()

    admin_pages = {
        "siteadmin": [
            "/admin/",
            f"/admin/articles/article/{article_pk}/change/",
            "/admin/articles/article/",
            "/admin/reviews/languageversion/queue/",
            "/admin/reviews/languageversion/coverage/",
            "/admin/reviews/auditentry/",
            "/admin/auth/user/",
        ],
        "reviewer": [
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
