"""Issue 19, item 3: re-running the set-up (`load_content` then `seed_demo`, as `make run`
does) changes no publication state, except that the demo approves new or changed
content-file text. A withdrawal, a reviewer's "request changes" and a person's edit, all
made in the admin over HTTP, stay as they are."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion

from .support.browser_forms import BrowserForm, csrf_client
from .support.content_files import topic_toml, write_content

pytestmark = pytest.mark.django_db


def set_up(root):
    call_command("load_content", str(root))
    call_command("seed_demo")


def signed_in(username):
    from django.contrib.auth import get_user_model

    client = csrf_client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def act_on_review_page(client, article, language, action, comment):
    version = workflow.version_for(article, language)
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    form = BrowserForm.from_response(client.get(url), url=url, form_class="review-actions")
    form.set("action", action).set("comment", comment)
    response = form.post(client)
    if action == "withdraw":  # the confirmation step, as its page posts it
        response = BrowserForm.from_response(response, url=url).post(client)
    assert response.status_code == 302, response.content.decode()[:3000]


def publication_state():
    live = sorted(
        PublishedVersion.objects.live().values_list("kind", "key", "language", "fingerprint")
    )
    versions = sorted(
        LanguageVersion.objects.values_list("kind", "key", "language", "status", "comment")
    )
    return live, versions


def test_rerunning_the_set_up_keeps_every_decision_and_approves_only_new_file_text(tmp_path):
    topics = {name: topic_toml(slug=name, title=name.title()) for name in ("one", "two", "three")}
    root = write_content(tmp_path, topics)
    set_up(root)
    one, two, three = (Article.objects.get(slug=name) for name in ("one", "two", "three"))

    reviewer = signed_in("reviewer")
    act_on_review_page(reviewer, one, "en", "withdraw", "Unsafe advice")
    # The translator edits topic two's Russian title and submits it; the reviewer sends
    # it back.
    translator = signed_in("translator")
    url = reverse("admin:articles_article_change", args=[two.pk])
    form = BrowserForm.from_response(translator.get(url), url=url, form_id="article_form")
    assert form.set("title_ru", "Два (правка)").post(translator).status_code == 302
    act_on_review_page(translator, two, "ru", "submit", "")
    act_on_review_page(reviewer, two, "ru", "request_changes", "Check the term")
    # The editor changes topic three's English summary (a draft, not submitted).
    editor = signed_in("editor")
    url = reverse("admin:articles_article_change", args=[three.pk])
    form = BrowserForm.from_response(editor.get(url), url=url, form_id="article_form")
    assert form.set("summary_en", "Edited by a person.").post(editor).status_code == 302
    before = publication_state()

    set_up(root)

    assert publication_state() == before
    assert not PublishedVersion.objects.live().filter(key="one").exists()

    # A new file and a changed file: the demo approves exactly their new text.
    (root / "topics" / "four.toml").write_text(topic_toml(slug="four", title="Four"))
    (root / "topics" / "one.toml").write_text(topic_toml(slug="one", title="One, rewritten"))
    set_up(root)

    live = PublishedVersion.objects.live()
    assert set(live.filter(key="four").values_list("language", flat=True)) == {"en"}
    assert live.get(key="one", language="en").payload["title"] == "One, rewritten"
    after_live, after_versions = publication_state()
    assert [row for row in after_versions if row[1] in ("two", "three")] == [
        row for row in before[1] if row[1] in ("two", "three")
    ]
