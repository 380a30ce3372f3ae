"""Issue 19, item 1: text is stored in one normal form (articles/text.py), so a save
that changes nothing changes nothing, and a one-word edit diffs as one word.

Every test acts through the admin over HTTP as a browser does: the change form's HTML
(hidden fields, inline management forms, textareas sent with CRLF line ends) is posted
back with its CSRF token (tests/support/browser_forms.py)."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.text import normalise_text
from audit.models import AuditEntry
from reviews import workflow
from reviews.models import LanguageVersion
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.factories import make_topic, make_user, publish

pytestmark = pytest.mark.django_db

MULTILINE = "\n".join(f"Line {n} says what cramps are and why they happen." for n in range(60))


def change_form(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    assert page.status_code == 200
    return BrowserForm.from_response(page, url=url, form_id="article_form")


def version_state():
    return sorted(
        LanguageVersion.objects.values_list(
            "language", "status", "edited_fingerprint", "last_edited_by", "last_edited_at"
        )
    )


def contributors():
    return sorted(LanguageVersion.contributors.through.objects.values_list("pk", flat=True))


@pytest.fixture
def approved_topic():
    article = make_topic(title="Night cramps")
    Article.objects.filter(pk=article.pk).update(
        **{f"what_it_is_{code}": f"{MULTILINE}\n[{code}]" for code in ("en", "ru", "es", "ar")}
    )
    article = Article.objects.get(pk=article.pk)
    workflow.record_edits(article, by=None)
    publish(article)
    return Article.objects.get(pk=article.pk)


@pytest.mark.parametrize("role", [roles.TRANSLATORS, roles.EDITORS])
def test_a_save_with_no_change_changes_nothing(approved_topic, role):
    person = make_user(role, languages=["ru", "es", "ar"] if role == roles.TRANSLATORS else ["en"])
    client = csrf_client()
    client.force_login(person)
    form = change_form(client, approved_topic)
    language = "ru" if role == roles.TRANSLATORS else "en"
    assert "\r\n" in form[f"what_it_is_{language}"]  # as a browser sends a textarea
    before = (version_state(), contributors(), AuditEntry.objects.count())
    updated_at = approved_topic.updated_at

    response = form.post(client)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert (version_state(), contributors(), AuditEntry.objects.count()) == before
    assert set(LanguageVersion.objects.values_list("status", flat=True)) == {"approved"}
    assert Article.objects.get(pk=approved_topic.pk).updated_at == updated_at


def test_a_one_word_edit_diffs_as_one_word(approved_topic):
    editor = make_user(roles.EDITORS, languages=["en"])
    client = csrf_client()
    client.force_login(editor)
    form = change_form(client, approved_topic)
    edited = form["what_it_is_en"].replace("Line 30 says", "Line 30 explains")
    form.set("what_it_is_en", edited)

    assert form.post(client).status_code == 302

    statuses = dict(LanguageVersion.objects.values_list("language", "status"))
    assert statuses == {"en": "draft", "ru": "approved", "es": "approved", "ar": "approved"}
    stored = Article.objects.get(pk=approved_topic.pk).what_it_is_en
    assert "\r" not in stored and "Line 30 explains" in stored
    version = workflow.version_for(approved_topic, "en")
    workflow.submit(version, by=editor)
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    client.force_login(reviewer)
    page = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    html = page.content.decode()
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    assert "<del>says</del>" in html and "<ins>explains</ins>" in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("One\r\nTwo\rThree", "One\nTwo\nThree"),
        ("Trailing  \r\nspaces\t\r\n\r\nkept paragraphs ", "Trailing\nspaces\n\nkept paragraphs"),
        ("Cafe\u0301 \u00b2", "Caf\u00e9 \u00b2"),
        ("  inner  spaces\tand tabs stay", "inner  spaces\tand tabs stay"),
    ],
)
def test_the_normal_form(typed, stored):
    assert normalise_text(typed) == stored
    assert normalise_text(stored) == stored


def test_the_loader_stores_the_normal_form(tmp_path):
    from reviews.content_files import load_content

    from .support.content_files import topic_toml, write_content

    toml = topic_toml(extra='\n[what_it_is]\nen = "First line  \\r\\nCafe\u0301 second line \\n"\n')
    load_content(write_content(tmp_path, {"leg-cramps": toml}))

    stored = Article.objects.get(slug="leg-cramps").what_it_is_en
    assert stored == "First line\nCaf\u00e9 second line"


def test_the_migration_puts_existing_rows_in_the_normal_form():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0004_normalise_stored_text")
    article = make_topic(title="Old")
    Article.objects.filter(pk=article.pk).update(
        what_it_is_es="Uno \r\ndos\r\n", title_ru="Cafe\u0301"
    )
    migration.normalise(apps, None)
    article = Article.objects.get(pk=article.pk)
    assert (article.what_it_is_es, article.title_ru) == ("Uno\ndos", "Caf\u00e9")


def test_a_word_at_a_line_end_is_marked_alone():
    from reviews.diff import word_diff

    old = "Cramps happen.\nThey pass."
    html = word_diff(old, old.replace("happen.", "start."))
    assert html == "Cramps <del>happen.</del><ins>start.</ins>\nThey pass."
