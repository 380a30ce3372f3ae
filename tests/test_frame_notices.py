"""Text that tells a reader what to do about their health is reviewed content (issue 11,
item 4): the page frame's urgency headings, medicine notes and review lines come from
approved site notices, never from interface strings a translator can change."""

import polib
import pytest
from django.conf import settings

from articles.models import Article, SiteNotice
from public.frame import ORIGINALS
from reviews import workflow
from staff import roles
from tests.support.factories import approve, make_user
from tests.support.published import make_rich_topic, ui

pytestmark = pytest.mark.django_db
FRAME_KEYS = [key for key in SiteNotice.Key.values if key not in SiteNotice.MARKDOWN_KEYS]


def test_no_frame_text_is_an_interface_string():
    """None of these sentences may be a msgid: a translator could change it unreviewed."""
    originals = {" ".join(text.split("{")[0].split()) for text in ORIGINALS.values()}
    for code, _name in settings.LANGUAGES[1:]:
        path = settings.LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.po"
        msgids = {" ".join(entry.msgid.split()) for entry in polib.pofile(str(path))}
        assert not {text for text in originals if text and text in msgids}, code


def test_a_changed_urgency_heading_reaches_the_page_only_once_approved(client, site):
    published = make_rich_topic("rich-topic")
    from tests.support.factories import publish

    publish(published, reviewer=site)
    heading = SiteNotice.objects.get(key="help_emergency_heading")
    SiteNotice.objects.filter(pk=heading.pk).update(text_ru="Не срочно: можно подождать")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    workflow.record_edits(SiteNotice.objects.get(pk=heading.pk), by=translator)
    workflow.submit(workflow.version_for(heading, "ru"), by=translator)

    html = client.get("/ru/topics/rich-topic/").content.decode()
    assert "Не срочно" not in html
    assert "Emergency: call the emergency number now [ru]" in html

    approve(workflow.version_for(heading, "ru"), reviewer=make_user(roles.REVIEWERS,
                                                                  languages=["ru"]))  # fmt: skip
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
    assert "Не срочно: можно подождать" in client.get("/ru/topics/rich-topic/").content.decode()


def test_each_frame_text_on_the_topic_page_comes_from_its_notice(client, site):
    from tests.support.factories import publish

    article = make_rich_topic("rich-topic")
    Article.objects.filter(pk=article.pk).update(audience="children")
    workflow.record_edits(Article.objects.get(pk=article.pk))
    publish(Article.objects.get(pk=article.pk), reviewer=site)
    html = client.get("/es/topics/rich-topic/").content.decode()
    for key in ("help_emergency_heading", "help_emergency_lead", "medicine_note",
                "medicine_tag", "traditional_note", "traditional_tag", "children_note",
                "caution_label"):  # fmt: skip
        assert f"{ORIGINALS[key]} [es]".replace("'", "&#x27;") in html, key
    assert "Medically reviewed by <span" in html and "[es]</p>" in html


def test_emergency_numbers_are_listed_from_the_approved_emergency_notice(client, site):
    from articles.models import EmergencyNumber
    from tests.support.factories import publish

    emergency = SiteNotice.objects.get(key="emergency")
    for order, (country, number) in enumerate([("GB", "999"), ("ES", "112")]):
        EmergencyNumber.objects.create(
            notice=emergency,
            country=country,
            service="emergency",
            number=number,
            order=order,
            country_name_en=f"Country {country}",
            country_name_es=f"País {country}",
        )
    workflow.record_edits(emergency)
    publish(emergency, ["en", "es"], reviewer=site)
    html = client.get("/es/emergency-numbers/").content.decode()
    assert "País GB" in html and 'href="tel:999"' in html and 'href="tel:112"' in html
    # An unapproved edit of a number stays off the page.
    EmergencyNumber.objects.filter(number="999").update(number="000")
    workflow.record_edits(SiteNotice.objects.get(pk=emergency.pk))
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
    html = client.get("/es/emergency-numbers/").content.decode()
    assert 'href="tel:999"' in html and "tel:000" not in html


# Moved from test_public_errors.py, whose tests share one published site.
def test_404_without_notices_in_the_database_still_says_them(client):
    html = client.get("/ru/topics/nothing/").content.decode()
    assert ui("ru", "Medical disclaimer") in html
    assert ui("ru", "In an emergency, call your local emergency number now.") in html


# Every page reads the live notices; a process keeps the rows of its last read while their
# state is unchanged (public.readers.pages._live_notices). Whatever changes a live notice
# reaches the next page read.


def _disclaimer(language="ru"):
    from public import readers

    return readers.site_notices(language).disclaimer


def test_a_notice_approved_again_reaches_the_next_page(client, site):
    assert _disclaimer().payload["text_html"].count("disclaimer text [ru]")
    SiteNotice.objects.filter(key="disclaimer").update(text_ru="Новый текст отказа")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    disclaimer = SiteNotice.objects.get(key="disclaimer")
    workflow.record_edits(disclaimer, by=translator)
    workflow.submit(workflow.version_for(disclaimer, "ru"), by=translator)
    assert "disclaimer text [ru]" in _disclaimer().payload["text_html"]  # submitted only
    approve(workflow.version_for(disclaimer, "ru"), reviewer=site)
    assert "Новый текст отказа" in _disclaimer().payload["text_html"]
    assert "Новый текст отказа" in client.get("/ru/a-z/").content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"is_current": False},  # withdrawn or held: English is shown
        {"held": True},
        {"outdated": True},
        {"next_review_due": "2031-01-01"},
    ],
)
def test_a_change_to_a_live_notice_row_reaches_the_next_page(site, change):
    from reviews.models import PublishedVersion

    before = _disclaimer()
    assert before.language == "ru"
    PublishedVersion.objects.filter(pk=before.version.pk).update(**change)
    after = _disclaimer()
    if "is_current" in change:
        assert after.language == "en" and after.fallback
    else:
        name, value = next(iter(change.items()))
        assert str(getattr(after.version, name)) == str(value)


def test_a_notice_row_whose_id_is_given_to_other_text_is_read_again(site):
    """A database restored from a backup may give a row's id to a different approval."""
    from reviews.models import PublishedVersion

    version = PublishedVersion.objects.get(pk=_disclaimer().version.pk)
    pk = version.pk
    version.delete()
    version.pk = pk
    version.payload = {**version.payload, "text_html": "<p>restored text</p>"}
    version.fingerprint = "0" * 64
    version.save(force_insert=True)
    assert _disclaimer().version.pk == pk
    assert _disclaimer().payload["text_html"] == "<p>restored text</p>"


def test_unchanged_notices_cost_one_query_a_page(site, django_assert_num_queries):
    _disclaimer()
    with django_assert_num_queries(1):
        assert _disclaimer().language == "ru"


def test_a_notice_approved_in_the_admin_reaches_a_page_a_visitor_had_open(client, site):
    """Over HTTP as a reviewer's browser posts the review form, while a visitor's worker
    has read (and cached) the notices before."""
    from django.test import Client
    from django.urls import reverse

    from tests.support.admin_forms import post_review

    visitor = Client()
    assert "disclaimer text [ru]" in visitor.get("/ru/a-z/").content.decode()
    SiteNotice.objects.filter(key="disclaimer").update(text_ru="Отказ, одобренный в админке")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    disclaimer = SiteNotice.objects.get(key="disclaimer")
    workflow.record_edits(disclaimer, by=translator)
    workflow.submit(workflow.version_for(disclaimer, "ru"), by=translator)
    client.force_login(make_user(roles.REVIEWERS, languages=["ru"]))
    version = workflow.version_for(disclaimer, "ru")
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    assert post_review(client, url, {"action": "approve", "comment": "ok"}).status_code == 302
    html = visitor.get("/ru/a-z/").content.decode()
    assert "Отказ, одобренный в админке" in html and "disclaimer text [ru]" not in html
