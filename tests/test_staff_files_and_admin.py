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

from articles.models import Article
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


def test_exporting_the_loaded_corpus_changes_no_byte(tmp_path):
    corpus = shutil.copytree(settings.CONTENT_DIR, tmp_path / "content")
    call_command("load_content", str(corpus))
    before = {path.name: path.read_bytes() for path in (corpus / "topics").glob("*.toml")}

    call_command("export_content", str(corpus))

    after = {path.name: path.read_bytes() for path in (corpus / "topics").glob("*.toml")}
    assert after == before
