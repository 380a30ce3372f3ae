"""The reader's own emergency numbers and help first (issue 23, items 2 and 3): the
emergency line names the country's numbers (from the URL's `country`, else the
countries of the page's language), the choice travels on the site's links without a
cookie, and a topic shows "what you can do now" right after "when to get help"."""

import re

import pytest

from articles.models import EmergencyNumber, SiteNotice
from reviews import workflow
from tests.factories import publish
from tests.support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

NUMBERS = [
    ("GB", "emergency", "999"),
    ("GB", "urgent_advice", "111"),
    ("US", "emergency", "911"),
    ("ES", "emergency", "112"),
    ("ES", "urgent_advice", "061"),
    ("SA", "emergency", "997"),
    ("EG", "emergency", "123"),
    ("RU", "emergency", "103"),
]


@pytest.fixture
def numbers(site):
    emergency = SiteNotice.objects.get(key="emergency")
    for order, (country, service, number) in enumerate(NUMBERS):
        EmergencyNumber.objects.create(
            notice=emergency,
            country=country,
            service=service,
            number=number,
            order=order,
            source=f"https://example.org/{country.lower()}",
            **{f"country_name_{code}": f"{country} [{code}]" for code in ("en", "ru", "es", "ar")},
        )
    workflow.record_edits(emergency)
    publish(emergency, reviewer=site)
    publish_topic("help-first", reviewer=site, regions=("legs",))
    return site


def line(html: str) -> str:
    return re.search(r'<p class="emergency-line">.*?</p>', html, re.S)[0]


def test_without_a_choice_the_language_s_countries_are_named(client, numbers):
    arabic = line(client.get("/ar/topics/help-first/").content.decode())
    assert "tel:997" in arabic and "tel:123" in arabic  # Arab League states
    assert "tel:999" not in arabic
    english = line(client.get("/en/regions/legs/").content.decode())
    assert "tel:911" in english and "tel:999" in english
    spanish = line(client.get("/es/").content.decode())
    assert "tel:112" in spanish and "tel:061" in spanish


def test_the_reader_s_country_travels_on_links_without_a_cookie(client, numbers):
    response = client.get("/en/topics/help-first/", {"country": "es"})
    html = response.content.decode()
    assert not response.cookies
    assert "tel:112" in line(html) and "tel:061" in line(html) and "tel:911" not in line(html)
    assert 'href="/en/regions/legs/?country=ES"' in html
    assert 'href="/ru/topics/help-first/?country=ES"' in html  # the language switcher
    assert '<input type="hidden" name="country" value="ES">' in html  # the search box
    # The emergency card names the same numbers.
    start = html.index("care-card-emergency")
    card = html[start : html.index("</section>", start)]
    assert "tel:112" in card
    # An unknown or malformed country falls back to the language's countries.
    for value in ("ZZ", "<b>", "x" * 300):
        response = client.get("/en/topics/help-first/", {"country": value})
        assert response.status_code == 200
        assert "tel:911" in line(response.content.decode())


def test_each_country_is_its_own_cached_page(client, numbers):
    first = client.get("/en/topics/help-first/", {"country": "GB"})
    other = client.get("/en/topics/help-first/", {"country": "US"})
    again = client.get("/en/topics/help-first/", {"country": "GB"})
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content != other.content


def test_the_numbers_page_lists_the_language_s_countries_first_with_sources(client, numbers):
    html = client.get("/ar/emergency-numbers/").content.decode()
    assert html.index("SA [ar]") < html.index("GB [ar]")
    assert 'href="https://example.org/sa"' in html
    html = client.get("/en/emergency-numbers/").content.decode()
    assert html.index("US [en]") < html.index("SA [en]")
    assert 'href="/en/emergency-numbers/?country=GB"' in html


def test_what_you_can_do_now_follows_the_care_cards(client, numbers):
    article = publish_topic("do-now-topic", reviewer=numbers, languages=[])
    article.do_now_en = "- First point\n- Second point"
    article.save()
    from articles.models import WarningSign

    WarningSign.objects.create(article=article, urgency="emergency", text_en="Call sign")
    publish(article, ["en"], reviewer=numbers)
    html = client.get("/en/topics/do-now-topic/").content.decode()
    assert html.index("care-card-emergency") < html.index('id="do-now-heading"')
    assert html.index('id="do-now-heading"') < html.index("First point")
    assert html.index("First point") < html.index('id="contents-heading"')
