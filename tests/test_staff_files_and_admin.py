"""Issue 19, item 2: one source of truth. The loader never overwrites text changed in the
admin since the last load: it refuses that topic, naming it, the fields and who changed
them, and writes nothing for it (`--force` overwrites, recorded in the audit log).
`export_content` writes the admin's text back into the files; export then load changes
nothing, and an export of unchanged content changes no byte of the real corpus."""

import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import Article, BodyRegion, EmergencyNumber, SiteNotice
from audit.models import AuditEntry
from reviews.models import LanguageVersion
from staff import roles

from .support.browser_forms import BrowserForm, csrf_client
from .support.content_files import topic_toml, write_content
from .support.factories import make_user

pytestmark = pytest.mark.django_db


def admin_edit(user, article, **changes):
    client = csrf_client()
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = BrowserForm.from_response(client.get(url), url=url, form_id="article_form")
    for name, value in changes.items():
        form.set(name, value)
    assert form.post(client).status_code == 302


def test_a_load_refuses_a_topic_changed_in_the_admin(tmp_path, capsys):
    root = write_content(
        tmp_path, {name: topic_toml(slug=name, title=name.title()) for name in ("one", "two")}
    )
    call_command("load_content", str(root))
    translator = make_user(roles.TRANSLATORS, languages=["ru"], username="olga")
    admin_edit(translator, Article.objects.get(slug="one"), title_ru="Один (правка)")
    statuses = sorted(LanguageVersion.objects.filter(key="one").values_list("language", "status"))
    (root / "topics" / "one.toml").write_text(topic_toml(slug="one", title="One, from files"))
    (root / "topics" / "two.toml").write_text(topic_toml(slug="two", title="Two, from files"))

    with pytest.raises(CommandError, match="changed in the admin were not loaded"):
        call_command("load_content", str(root))

    err = capsys.readouterr().err
    assert "topic one: not loaded: changed in the admin since the last load" in err
    assert "title_ru" in err and "by olga" in err
    one = Article.objects.get(slug="one")
    assert (one.title_en, one.title_ru) == ("One", "Один (правка)")
    assert (
        sorted(LanguageVersion.objects.filter(key="one").values_list("language", "status"))
        == statuses
    )
    assert Article.objects.get(slug="two").title_en == "Two, from files"

    call_command("load_content", str(root), "--force")
    one = Article.objects.get(slug="one")
    assert (one.title_en, one.title_ru) == ("One, from files", "Судороги в ногах")
    override = AuditEntry.objects.get(action="load_override", key="one")
    assert "title_ru" in override.details["fields"]


def test_export_then_load_changes_nothing(tmp_path, capsys):
    root = write_content(tmp_path, {"one": topic_toml(slug="one", title="One")})
    call_command("load_content", str(root))
    editor = make_user(roles.EDITORS, languages=["en"])
    admin_edit(
        editor,
        Article.objects.get(slug="one"),
        title_en="One, edited",
        what_it_is_en="First paragraph.\n\nSecond paragraph.",
        **{"relief_measures-0-how_to_en": "Pull your toes\ntowards you."},
    )
    call_command("export_content", str(root))
    exported = (root / "topics" / "one.toml").read_bytes()
    rows = list(Article.objects.values_list("title_en", "what_it_is_en", "updated_at"))
    versions = sorted(
        LanguageVersion.objects.values_list("language", "status", "edited_fingerprint")
    )
    capsys.readouterr()

    call_command("load_content", str(root))

    assert "0 created, 0 updated" in capsys.readouterr().out
    assert list(Article.objects.values_list("title_en", "what_it_is_en", "updated_at")) == rows
    assert (
        sorted(LanguageVersion.objects.values_list("language", "status", "edited_fingerprint"))
        == versions
    )
    call_command("export_content", str(root))
    assert (root / "topics" / "one.toml").read_bytes() == exported


SHARED_FILES = ("regions.toml", "notices.toml", "emergency_numbers.toml")


def exported_files(corpus):
    files = {path.name: path.read_bytes() for path in (corpus / "topics").glob("*.toml")}
    return files | {name: (corpus / name).read_bytes() for name in SHARED_FILES}


def test_exporting_the_loaded_corpus_changes_no_byte(tmp_path):
    corpus = shutil.copytree(settings.CONTENT_DIR, tmp_path / "content")
    call_command("load_content", str(corpus))
    before = exported_files(corpus)

    call_command("export_content", str(corpus))

    assert exported_files(corpus) == before


def test_regions_notices_and_numbers_edited_in_the_admin_export_and_load_unchanged(
    tmp_path, capsys
):
    corpus = shutil.copytree(settings.CONTENT_DIR, tmp_path / "content")
    call_command("load_content", str(corpus))
    editor = make_user(roles.EDITORS, languages=["en"])
    client = csrf_client()
    client.force_login(editor)
    region = BodyRegion.objects.get(slug="neck")
    notice = SiteNotice.objects.get(key="emergency")
    for url, form_id, changes in (
        (
            reverse("admin:articles_bodyregion_change", args=[region.pk]),
            "bodyregion_form",
            {
                "description_en": "Neck muscle spasms, edited in the admin.",
                "notice_en": "First line of the notice.\n\nSecond paragraph.",
            },
        ),
        (
            reverse("admin:articles_sitenotice_change", args=[notice.pk]),
            "sitenotice_form",
            {
                "text_en": "In an emergency, call now.\n\nEdited in the admin.",
                "emergency_numbers-0-country_name_en": "United Kingdom (edited)",
            },
        ),
    ):
        form = BrowserForm.from_response(client.get(url), url=url, form_id=form_id)
        for name, value in changes.items():
            form.set(name, value)
        response = form.post(client)
        assert response.status_code == 302, response.content.decode()[:2000]

    call_command("export_content", str(corpus))
    exported = exported_files(corpus)
    regions_text = exported["regions.toml"].decode()
    assert "Neck muscle spasms, edited in the admin." in regions_text
    assert "Edited in the admin." in exported["notices.toml"].decode()
    assert "United Kingdom (edited)" in exported["emergency_numbers.toml"].decode()
    # Only the edited values changed: the files' comments stay.
    assert regions_text.startswith("# The body regions, in the order the site shows them.")
    rows = {
        model: list(model.objects.order_by("pk").values())
        for model in (BodyRegion, SiteNotice, EmergencyNumber)
    }
    versions = sorted(
        LanguageVersion.objects.values_list(
            "kind", "key", "language", "status", "edited_fingerprint"
        )
    )
    capsys.readouterr()

    call_command("load_content", str(corpus))

    assert "0 created, 0 updated" in capsys.readouterr().out
    for model, before in rows.items():
        assert list(model.objects.order_by("pk").values()) == before, model
    assert (
        sorted(
            LanguageVersion.objects.values_list(
                "kind", "key", "language", "status", "edited_fingerprint"
            )
        )
        == versions
    )
    call_command("export_content", str(corpus))
    assert exported_files(corpus) == exported


def test_the_rows_a_language_version_is_read_from_leave_the_loader_s_state_unread(
    tmp_path, django_assert_max_num_queries
):
    """A workflow action reads an item with its parts (reviews.registry `objects`) without
    `loaded_text`, the whole entry in every language as JSON, which it never looks at; a
    row so read and saved keeps it."""
    from reviews.registry import registry

    root = write_content(tmp_path, {"one": topic_toml(slug="one", title="One")})
    call_command("load_content", str(root))
    stored = Article.objects.get(slug="one").loaded_text
    adapter = registry["topic"]
    article = adapter.get("one")
    with django_assert_max_num_queries(0):
        related = [adapter.source_text(article, code) for code in ("en", "ru")]
        linked = [obj for name in adapter.related for obj in getattr(article, name).all()]
    assert related[0]["title"] == "One" and linked
    assert "loaded_text" in article.get_deferred_fields()
    assert all("loaded_text" not in obj.__dict__ for obj in linked)
    article.title_en = "One, retitled"
    article.save()
    assert Article.objects.get(slug="one").loaded_text == stored


def test_what_the_loader_last_wrote_is_never_reviewed_text(tmp_path):
    """`loaded_text` (every language, as last loaded) is bookkeeping: it is not in a
    published snapshot (it held the unapproved Russian text in the English one) and an
    export, which rewrites it, changes no fingerprint."""
    from articles.hashing import fingerprint
    from reviews import workflow
    from reviews.models import PublishedVersion
    from reviews.registry import registry

    from .support.factories import publish

    root = write_content(tmp_path, {"one": topic_toml(slug="one", title="One")})
    call_command("load_content", str(root))
    article = Article.objects.get(slug="one")
    assert article.loaded_text["title_ru"]
    publish(article, ["en"])
    english = PublishedVersion.objects.get(key="one", language="en")
    assert "loaded_text" not in english.payload and "loaded_text" not in english.source
    assert article.loaded_text["title_ru"] not in str(english.payload)

    adapter = registry.of(article)
    before = fingerprint(adapter.source_text(Article.objects.get(slug="one"), "en"))
    Article.objects.filter(slug="one").update(loaded_text={})
    call_command("export_content", str(root))
    article = Article.objects.get(slug="one")
    assert article.loaded_text  # rewritten by the export
    assert fingerprint(adapter.source_text(article, "en")) == before
    assert workflow.version_for(article, "en").status == "approved"
