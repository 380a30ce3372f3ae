"""Issue 19, item 4: two people editing one topic do not overwrite each other. The change
form carries the text it was based on; a save whose base changed meanwhile is refused,
shows the other person's changes and keeps this person's input. Both people act through
the admin over HTTP as browsers (CSRF tokens, hidden fields, textareas with CRLF)."""

import pytest
from django.urls import reverse

from articles.models import Article
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def open_change_form(user, article):
    client = csrf_client()
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client, BrowserForm.from_response(page, url=url, form_id="article_form")


def test_the_second_save_on_a_changed_base_is_refused_and_keeps_both_texts():
    article = make_topic(title="Night cramps")
    publish(article, ["en"])
    first, second = (
        make_user(roles.EDITORS, languages=["en"]),
        make_user(roles.EDITORS, languages=["en"]),
    )
    first_client, first_form = open_change_form(first, article)
    second_client, second_form = open_change_form(second, article)
    assert "base_text" in second_form

    first_form.set("title_en", "Night-time leg cramps")
    first_form.set("summary_en", "Cramps that wake you at night.")
    assert first_form.post(first_client).status_code == 302

    second_form.set("what_it_is_en", "A sudden painful\ntightening of a muscle.")
    refused = second_form.post(second_client)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else saved this item after you opened it" in html
    assert f"English ({first.username}): title: <del>Night</del><ins>Night-time leg</ins>" in html
    stored = Article.objects.get(pk=article.pk)
    assert stored.title_en == "Night-time leg cramps"
    assert stored.what_it_is_en != "A sudden painful\ntightening of a muscle."
    again = BrowserForm.from_response(refused, url=second_form.url, form_id="article_form")
    assert again["what_it_is_en"] == "A sudden painful\r\ntightening of a muscle."
    assert again["title_en"] == "Night-time leg cramps"  # untouched here: theirs is shown

    assert again.post(second_client).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert stored.title_en == "Night-time leg cramps"
    assert stored.summary_en == "Cramps that wake you at night."
    assert stored.what_it_is_en == "A sudden painful\ntightening of a muscle."


def test_a_change_to_a_part_is_a_changed_base_too():
    article = make_topic(title="Night cramps")
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    editor = make_user(roles.EDITORS, languages=["en"])
    translator_client, translator_form = open_change_form(translator, article)
    editor_client, editor_form = open_change_form(editor, article)

    editor_form.set("relief_measures-0-title_en", "Stretch the calf")
    assert editor_form.post(editor_client).status_code == 302
    translator_form.set("title_ru", "Ночные судороги")
    refused = translator_form.post(translator_client)

    assert refused.status_code == 200
    assert "<ins>Stretch the calf</ins>" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).title_ru == "Night cramps [ru]"


def test_a_post_without_its_base_is_refused():
    article = make_topic(title="Night cramps")
    editor = make_user(roles.EDITORS, languages=["en"])
    client, form = open_change_form(editor, article)
    form.fields = [(key, value) for key, value in form.fields if key != "base_text"]
    form.set("title_en", "Changed")
    assert form.post(client).status_code == 200
    assert Article.objects.get(pk=article.pk).title_en == "Night cramps [en]"


def test_a_refused_save_keeps_this_persons_inline_input_and_shows_the_others_inline_text():
    """Inline parts (warning signs, relief measures...) as a browser posts the formset:
    what this person typed in a part stays as typed; a part field they left alone shows
    the other person's text, so saving again keeps both."""
    article = make_topic(title="Night cramps", measures=2)
    publish(article, ["en"])
    first, second = (
        make_user(roles.EDITORS, languages=["en"]),
        make_user(roles.EDITORS, languages=["en"]),
    )
    first_client, first_form = open_change_form(first, article)
    second_client, second_form = open_change_form(second, article)

    first_form.set("relief_measures-1-title_en", "Measure one, renamed by the first")
    assert first_form.post(first_client).status_code == 302

    second_form.set("warning_signs-0-text_en", "Call the emergency number\nnow.")
    second_form.set("relief_measures-0-how_to_en", "Stretch the calf\nfor 30 seconds.")
    refused = second_form.post(second_client)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else saved this item after you opened it" in html
    again = BrowserForm.from_response(refused, url=second_form.url, form_id="article_form")
    assert again["warning_signs-0-text_en"] == "Call the emergency number\r\nnow."
    assert again["relief_measures-0-how_to_en"] == "Stretch the calf\r\nfor 30 seconds."
    # Left alone by this person: the other person's text, not the stale one.
    assert again["relief_measures-1-title_en"] == "Measure one, renamed by the first"

    assert again.post(second_client).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    sign = stored.warning_signs.get()
    first_measure, second_measure = stored.relief_measures.order_by("order")
    assert sign.text_en == "Call the emergency number\nnow."
    assert first_measure.how_to_en == "Stretch the calf\nfor 30 seconds."
    assert second_measure.title_en == "Measure one, renamed by the first"


@pytest.mark.django_db
def test_the_text_an_edit_is_based_on_reads_each_part_once_and_keeps_nothing():
    """The change form reads the item's text in every language (its base, and again
    under the lock when saving): each part's rows once for all languages, on a copy, so
    the item itself keeps no rows that a save could make stale."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import WarningSign
    from reviews.edit_conflicts import current_text
    from reviews.registry import registry

    from .support.published import make_rich_topic

    article = Article.objects.get(pk=make_rich_topic("based-topic").pk)
    with CaptureQueriesContext(connection) as queries:
        text = current_text(article)
    # One query per relation: the four parts, the regions and the related topics.
    assert len(queries) == len(Article.content_parts) + 2
    adapter = registry.of(article)
    fresh = Article.objects.get(pk=article.pk)
    assert text == {code: adapter.source_text(fresh, code) for code in ("en", "ru", "es", "ar")}
    assert "Urgent sign [ru]" in [sign["text"] for sign in text["ru"]["warning_signs"]]
    assert text["en"]["regions"] == ["legs"]
    WarningSign.objects.filter(article=article).delete()
    assert list(article.warning_signs.all()) == []
    assert current_text(article)["en"]["warning_signs"] == []
