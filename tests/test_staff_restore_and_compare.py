"""Issue 19, item 6: any published version can be viewed as it was published, compared
with any other of the same item and language, and restored as a new draft of that
language: four eyes, fingerprints and checks apply unchanged, and it is audited. Acting
through the admin over HTTP (CSRF tokens, the page's hidden fields)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion, PublishedVersion
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import approve, make_topic, make_user, publish

pytestmark = pytest.mark.django_db


def edit_and_publish(article, reviewer, **texts):
    editor = make_user(roles.EDITORS, languages=["en"])
    Article.objects.filter(pk=article.pk).update(**texts)
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    return approve(version, reviewer=reviewer)


def test_view_compare_and_restore_a_published_version():
    article = make_topic(title="Night cramps")
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    first = publish(article, ["en"], reviewer=reviewer)["en"]
    second = edit_and_publish(article, reviewer, title_en="Wrong title approved")
    version = workflow.version_for(article, "en")
    url = reverse("admin:reviews_languageversion_versions", args=[version.pk])
    # An editor who is also a medical reviewer restores it.
    editor = make_user(roles.REVIEWERS, languages=["en"], username="restorer")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    editor = type(editor).objects.get(pk=editor.pk)
    client = csrf_client()
    client.force_login(editor)

    # View the first version as it was published.
    page = client.get(url, {"view": first.pk})
    assert page.status_code == 200
    assert "Night cramps [en]" in page.content.decode()
    # Compare the two.
    compared = client.get(url, {"a": first.pk, "b": second.pk}).content.decode()
    assert "<del>Night cramps [en]</del><ins>Wrong title approved</ins>" in compared

    # Restore the first as the draft, through the page's form.
    form = BrowserForm.from_response(
        client.get(url, {"view": first.pk}), url=url, form_class="version-restore"
    )
    assert form["published"] == str(first.pk)
    assert form.post(client).status_code == 302

    assert Article.objects.get(pk=article.pk).title_en == "Night cramps [en]"
    version.refresh_from_db()
    assert version.status == LanguageVersion.Status.DRAFT
    assert PublishedVersion.objects.live("en").get(key=article.slug).pk == second.pk
    entry = AuditEntry.objects.get(action="restore", key=article.slug)
    assert entry.actor == editor and entry.details["published_version"] == first.pk
    # Four eyes: the restorer submits but cannot approve; another reviewer can.
    submitted = workflow.submit(version, by=editor)
    assert submitted.submitted_fingerprint == first.fingerprint
    with pytest.raises(workflow.WorkflowError, match="You contributed to this version"):
        approve(submitted, reviewer=editor)
    live = approve(submitted, reviewer=reviewer)
    assert live.payload["title"] == "Night cramps [en]"


def test_a_translator_cannot_restore_the_english_version():
    article = make_topic(title="Night cramps")
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    first = publish(article, ["en"], reviewer=reviewer)["en"]
    version = workflow.version_for(article, "en")
    url = reverse("admin:reviews_languageversion_versions", args=[version.pk])
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    client = csrf_client()
    client.force_login(translator)
    page = client.get(url, {"view": first.pk})
    assert page.status_code == 200 and "version-restore" not in page.content.decode()
    # A hand-made POST with a valid CSRF token is refused too.
    logout = BrowserForm.from_response(page, url=url, form_id="logout-form")
    token = logout["csrfmiddlewaretoken"]
    response = client.post(url, {"csrfmiddlewaretoken": token, "published": first.pk})
    assert response.status_code == 302
    assert "may not edit the English version" in client.get(url).content.decode()
    assert not AuditEntry.objects.filter(action="restore").exists()
