"""The public site in a real browser (Debian's Chromium through Playwright), on the real
content: the visitor's journey with JavaScript on and off, axe-core's WCAG 2.2 AA
checks on every page type in English and Arabic, and the README's screenshots."""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
    # live_server needs committed data; the serialized rollback restores the roles the
    # migrations create, which the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the screenshots go: docs/screenshots under `make screenshots`
    (HEALTHSITE_SCREENSHOTS), else pytest's temporary folder, which pytest prunes (a
    folder made at import was left in /tmp by every run, even one that never opened a
    browser)."""
    chosen = os.environ.get("HEALTHSITE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def in_browser():
    """Run `scenario(browser, *args)` with the module's one Chromium.

    Playwright's sync API runs an event loop in the thread that starts it, and Django
    then treats that thread as async (another database connection, refused queries).
    So the browser lives in a worker thread of its own; the test thread keeps the
    database, and the live server answers from its own thread.
    """
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
    state = {}

    def start():
        from playwright.sync_api import sync_playwright

        state["playwright"] = sync_playwright().start()
        state["browser"] = state["playwright"].chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )

    def stop():
        state["browser"].close()
        state["playwright"].stop()

    worker.submit(start).result()
    yield lambda scenario, *args: worker.submit(scenario, state["browser"], *args).result()
    worker.submit(stop).result()
    worker.shutdown()


@pytest.fixture(scope="module", autouse=True)
def restore_database_afterwards(django_db_setup, django_db_blocker):
    """The flush after the last live-server test leaves an empty database; put back what
    the migrations created (roles, permissions) for any later transactional test."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not ContentType.objects.using(connection.alias).exists():
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def site_url(live_server):
    call_command("load_content", verbosity=0)
    call_command("seed_demo", verbosity=0)
    return live_server.url


def no_third_party_requests(page, site_url):
    """Collect any request that leaves the site."""
    outside = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith((site_url, "data:")) else outside.append(request.url)
        ),
    )
    return outside


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_journey_body_map_region_topic_language_search(in_browser, site_url, javascript):
    in_browser(journey_body_map_region_topic_language_search, site_url, javascript)


def journey_body_map_region_topic_language_search(browser, site_url, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    page = context.new_page()
    outside = no_third_party_requests(page, site_url)

    page.goto(f"{site_url}/")
    assert page.url == f"{site_url}/en/"
    page.locator("svg a.map-region[aria-label='Legs']").click()
    assert page.url == f"{site_url}/en/regions/legs/"
    assert page.locator("h1").inner_text() == "Legs"

    page.get_by_role("link", name="Leg and calf cramps").click()
    assert page.url == f"{site_url}/en/topics/leg-cramps/"
    assert page.locator("h1").inner_text() == "Leg and calf cramps"
    assert page.locator(".care-card-emergency").first.is_visible()

    page.locator(".languages a[hreflang='ru']").click()
    assert page.url == f"{site_url}/ru/topics/leg-cramps/"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Судороги в ногах и икрах"

    page.locator("footer a[href='/ru/search/']").click()
    page.locator("input[name=q]").fill("СУДОРОГИ")
    page.locator("input[name=q]").press("Enter")
    assert re.search(r"/ru/search/\?q=", page.url)
    page.wait_for_load_state()  # Enter only starts the navigation; count() does not wait
    assert page.locator(".search-results a[href='/ru/topics/leg-cramps/']").count() == 1

    page.goto(f"{site_url}/ar/")
    page.locator("svg a.map-region[href='/ar/regions/abdomen/']").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert outside == []
    context.close()


def body_map_links_are_keyboard_focusable(browser, site_url):
    """Tab reaches the map's links in order, each with its name; Enter follows one."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/en/")
    names = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el.closest('svg') ? el.getAttribute('aria-label') : null; }"
        )
        if focused:
            names.append(focused)
        if focused == "Legs":
            break
    assert names == ["Head", "Eyes", "Throat", "Chest", "Abdomen", "Legs"]  # front view
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/regions/legs/")
    context.close()


def test_body_map_by_keyboard_on_a_phone_in_arabic(in_browser, site_url):
    in_browser(body_map_by_keyboard_on_a_phone_in_arabic, site_url)


def body_map_by_keyboard_on_a_phone_in_arabic(browser, site_url):
    """At 390x844 in Arabic: Tab reaches every region of both views and then "whole
    body", each with its visible name, shown with a focus style that is not colour only
    (a thicker outline); the front view comes first, above the back; Enter follows."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site_url}/ar/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    front = page.locator("svg.body-map-front").bounding_box()
    back = page.locator("svg.body-map-back").bounding_box()
    assert front["y"] + front["height"] <= back["y"]  # one above the other on a phone
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement;
            if (!el.classList.contains('map-region')) return null;
            const shape = el.querySelector('.shape');
            const label = el.querySelector('.region-label') || el;
            const box = el.getBoundingClientRect();
            return {name: el.getAttribute('aria-label'), label: label.textContent.trim(),
                    stroke: shape ? getComputedStyle(shape).strokeWidth : null,
                    visible: box.top >= -1 && box.bottom <= innerHeight + 1};
            }"""
        )
        if focused:
            seen.append(focused)
            if focused["name"] == "الجسم كله":
                break
    assert [item["name"] for item in seen] == [
        "الرأس", "العينان", "الحلق", "الصدر", "البطن", "الساقان", "الرقبة", "الظهر", "الجسم كله",
    ]  # fmt: skip
    for item in seen:
        assert item["label"].replace(" ", "") == item["name"].replace(" ", ""), item
        assert item["visible"], item  # focus scrolls the link into view
    assert {item["stroke"] for item in seen[:-1]} == {"5px"}
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/regions/back/")
    context.close()


def test_keyboard_and_axe_find_no_wcag_22_aa_violations(in_browser, site_url):
    in_browser(axe_finds_no_wcag_22_aa_violations, site_url)


def axe_finds_no_wcag_22_aa_violations(browser, site_url):
    from axe_playwright_python.sync_playwright import Axe

    body_map_links_are_keyboard_focusable(browser, site_url)  # shares the loaded corpus

    axe = Axe()
    context = browser.new_context()
    page = context.new_page()
    failures = {}
    for language, query in (("en", "cramp"), ("ar", "تشنج")):
        for path in (
            f"/{language}/",
            f"/{language}/regions/chest/",
            f"/{language}/topics/chest-spasms-intercostal-neuralgia/",
            f"/{language}/topics/leg-cramps/",  # English fallback on the Arabic site
            f"/{language}/search/?q={query}",
            f"/{language}/search/?q=",
            f"/{language}/a-z/",  # issue 23: the A–Z list
            f"/{language}/no-such-page/",
        ):
            page.goto(site_url + path)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
            if results.violations_count:
                failures[path] = results.generate_report()
    context.close()
    assert not failures, "\n".join(f"{path}:\n{report}" for path, report in failures.items())


def test_screenshots_and_small_screens(in_browser, site_url, screenshots):
    in_browser(screenshots_and_small_screens, site_url, screenshots)


def screenshots_and_small_screens(browser, site_url, shots):
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    for name, path in (
        ("home-en", "/en/"),
        ("region-en", "/en/regions/legs/"),
        ("topic-en", "/en/topics/leg-cramps/"),
        ("home-ar", "/ar/"),
        ("topic-ar", "/ar/topics/stomach-cramps/"),
    ):
        page.goto(site_url + path)
        page.screenshot(path=str(shots / f"{name}.png"))
    desktop.close()

    phone = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1)
    page = phone.new_page()
    page.goto(f"{site_url}/en/topics/leg-cramps/")
    page.screenshot(path=str(shots / "topic-360.png"))
    phone.close()

    # Nothing scrolls sideways at 320 px, in either direction of writing.
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    page = narrow.new_page()
    for path in (
        "/en/",
        "/ar/",
        "/en/topics/leg-cramps/",
        "/ar/topics/stomach-cramps/",
        "/ru/regions/general/",
        "/es/search/?q=calambre",
    ):
        page.goto(site_url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    narrow.close()
    for name in ("home-en", "region-en", "topic-en", "topic-ar", "topic-360"):
        assert (shots / f"{name}.png").stat().st_size > 1000


def test_reviewer_approves_in_the_admin_and_the_public_page_follows(in_browser, site_url):
    """Issue 4's 'done when', in a real browser: queue, diff, approve a Russian version;
    an editor's English edit changes nothing public until a second reviewer approves."""
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from reviews import workflow

    article = Article.objects.get(slug="leg-cramps")
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги икроножных мышц")
    translator = get_user_model().objects.get(username="translator")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    workflow.submit(workflow.version_for(article, "ru"), by=translator)
    in_browser(reviewer_and_editor_in_the_admin, site_url, article.pk)


def log_in(browser, site_url, username):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{site_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-demo")
    page.click("input[type=submit]")
    return context, page


def approve_from_review_page(page):
    page.check("input[name=action][value=approve]")
    page.click("input[type=submit][value=Confirm]")
    assert "Approved: this version is now public." in page.locator(".messagelist").inner_text()


def heading_seen_by_a_new_visitor(browser, url):
    # A new browser each time: public pages may be cached for a minute (PUBLIC_MAX_AGE).
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(url)
    heading = page.locator("h1").inner_text()
    context.close()
    return heading


def reviewer_and_editor_in_the_admin(browser, site_url, article_pk):
    context, page = log_in(browser, site_url, "reviewer")
    page.goto(f"{site_url}/admin/reviews/languageversion/queue/")
    page.get_by_role("link", name="Topic leg-cramps [ru]").click()
    assert page.locator("ins").first.inner_text() == "икроножных мышц"
    approve_from_review_page(page)
    assert (
        heading_seen_by_a_new_visitor(browser, f"{site_url}/ru/topics/leg-cramps/")
        == "Судороги икроножных мышц"
    )
    context.close()

    context, page = log_in(browser, site_url, "editor")
    page.goto(f"{site_url}/admin/articles/article/{article_pk}/change/")
    page.fill("#id_title_en", "Leg and calf cramps at night")
    page.click("input[name=_save]")
    assert (
        heading_seen_by_a_new_visitor(browser, f"{site_url}/en/topics/leg-cramps/")
        == "Leg and calf cramps"
    )
    page.goto(f"{site_url}/admin/articles/article/{article_pk}/change/")
    page.locator(".field-review_status a").first.click()  # English
    page.check("input[name=action][value=submit]")
    page.click("input[type=submit][value=Confirm]")
    review_url = page.url
    context.close()

    context, page = log_in(browser, site_url, "reviewer2")
    page.goto(review_url)
    approve_from_review_page(page)
    assert (
        heading_seen_by_a_new_visitor(browser, f"{site_url}/en/topics/leg-cramps/")
        == "Leg and calf cramps at night"
    )
    context.close()


def test_page_contents_jump_to_sections_without_javascript(in_browser, site_url):
    in_browser(page_contents_jump_to_sections_without_javascript, site_url)


def page_contents_jump_to_sections_without_javascript(browser, site_url):
    """The "page contents" links reach their headings with JavaScript off, left to right
    and right to left, and the way back reaches the list again."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    for language in ("en", "ar"):
        page.goto(f"{site_url}/{language}/topics/leg-cramps/")
        contents = page.locator("nav.page-contents")
        assert contents.get_attribute("id") == "page-contents"
        links = contents.locator("a")
        assert links.count() >= 5
        target = links.nth(links.count() - 1).get_attribute("href")  # the references
        links.nth(links.count() - 1).click()
        assert page.url.endswith(target)
        heading = page.locator(target)
        box = heading.bounding_box()
        assert -2 <= box["y"] < 800, (language, box)  # scrolled to the heading
        if language == "ar":
            # Right to left: the list reads from the right.
            direction = contents.evaluate("el => getComputedStyle(el).direction")
            assert direction == "rtl"
        page.locator(".back-to-top a").last.click()
        assert -2 <= contents.bounding_box()["y"] < 800


def test_the_reviewer_sees_the_rendered_preview_and_a_stale_approval_is_refused(
    in_browser, site_url
):
    """Issue 10's journey: the review page shows the text as the public will read it
    beside the diff; approving after the text changed under the open page publishes
    nothing and shows the new text."""
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from reviews import workflow
    from reviews.models import PublishedVersion

    article = Article.objects.get(slug="leg-cramps")
    translator = get_user_model().objects.get(username="translator")

    def translator_submits(title):
        Article.objects.filter(pk=article.pk).update(title_es=title)
        workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
        workflow.submit(workflow.version_for(article, "es"), by=translator)

    translator_submits("Calambres nocturnos de pierna")
    version = workflow.version_for(article, "es")
    url = f"{site_url}/admin/reviews/languageversion/{version.pk}/review/"
    opened = in_browser(open_review_page, site_url, url)
    translator_submits("Tome 40 comprimidos")
    in_browser(approve_the_open_page, *opened)
    assert (
        PublishedVersion.objects.live("es").get(key="leg-cramps").payload["title"]
        != "Tome 40 comprimidos"
    )


def open_review_page(browser, site_url, url):
    context, page = log_in(browser, site_url, "reviewer")
    page.goto(url)
    preview = page.locator(".review-preview")
    assert preview.get_attribute("lang") == "es"
    assert "Calambres nocturnos de pierna" in preview.inner_text()
    assert page.locator(".review-diff ins").first.is_visible()
    return context, page


def approve_the_open_page(browser, context, page):
    page.check("input[name=action][value=approve]")
    page.click("input[type=submit][value=Confirm]")
    assert (
        "The text changed since this page was shown to you"
        in page.locator(".messagelist").inner_text()
    )
    assert "Tome 40 comprimidos" in page.locator(".review-preview").inner_text()
    context.close()


def test_screenshots_of_the_review_page(in_browser, site_url, screenshots):
    """The README's picture of a reviewer's day: a Russian change under review, the
    actions at the top, the page as the public will read it, the content checks."""
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from reviews import workflow

    article = Article.objects.get(slug="leg-cramps")
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги икроножных мышц")
    translator = get_user_model().objects.get(username="translator")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    workflow.submit(workflow.version_for(article, "ru"), by=translator)
    in_browser(review_page_screenshots, site_url, screenshots)


def review_page_screenshots(browser, site_url, shots):
    context, page = log_in(browser, site_url, "reviewer")
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(f"{site_url}/admin/reviews/languageversion/queue/")
    page.screenshot(path=str(shots / "review-queue.png"))
    page.get_by_role("link", name="Topic leg-cramps [ru]").click()
    # The click only starts the navigation: wait for the review page, then look.
    page.wait_for_url("**/review/**")
    page.locator(".review-preview .care-card").first.wait_for(state="visible")
    assert page.locator(".review-actions").is_visible()
    page.screenshot(path=str(shots / "review-page.png"))
    # The actions stay in view while the reviewer reads on.
    page.locator(".review-diff").first.scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 500
    box = page.locator(".review-actions").bounding_box()
    assert -2 <= box["y"] < 50, box
    context.close()
    for name in ("review-queue", "review-page"):
        assert (shots / f"{name}.png").stat().st_size > 1000


def test_help_comes_first_on_a_phone(in_browser, site_url, screenshots):
    in_browser(help_comes_first_on_a_phone, site_url, screenshots)


def help_comes_first_on_a_phone(browser, site_url, shots):
    """Issue 23: on a 390x844 phone the first care card and "What you can do now" start
    within the first two screens of a topic, in English and in Arabic (right to left);
    the README shows those two screens."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = phone.new_page()
    for language in ("en", "ar"):
        page.goto(f"{site_url}/{language}/topics/leg-cramps/")
        card = page.locator(".care-card").first.bounding_box()
        do_now = page.locator(".do-now").bounding_box()
        assert card is not None and do_now is not None, language
        assert card["y"] < 2 * 844 and do_now["y"] < 2 * 844, (language, card, do_now)
        # The compact emergency line names numbers, not only "see the list".
        assert page.locator(".emergency-line a[href^='tel:']").count() >= 1, language
        page.screenshot(
            path=str(shots / f"topic-phone-{language}.png"),
            clip={"x": 0, "y": 0, "width": 390, "height": 2 * 844},
            full_page=True,
        )
        assert (shots / f"topic-phone-{language}.png").stat().st_size > 1000
    phone.close()
