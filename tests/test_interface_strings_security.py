"""Interface strings cannot carry markup or placeholders their msgid does not have:
refused at save in rosetta (nothing written), refused in the committed catalogues,
dropped from a compiled catalogue that holds one anyway, and escaped in templates.
Translators reach only the project's own catalogues."""

import hashlib
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from audit.models import AuditEntry
from staff import roles
from strings.catalogues import reset_translation_caches
from strings.rules import escape_translation, problems

from .support.factories import make_user, publish
from .support.published import make_rich_topic, publish_topic

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
SCRIPT = "<script>window.pwned = 1</script>"


# The rule.


@pytest.mark.parametrize(
    "msgid, msgstr",
    [
        ("Skip to content", "Перейти к содержанию"),
        ("Search: %(query)s", "Поиск: %(query)s"),
        ("Go <a href='%(url)s'>there</a>", "Иди <a href='%(url)s'>туда</a>"),
        ("50% off", "скидка 50%"),
        ("Page %s of %s", "Страница %s из %s"),
        ("Search", ""),  # not translated yet
        ("Skip", "«Пропустить» — “да” & 'нет'"),
    ],
)
def test_a_translation_with_the_msgids_markup_and_placeholders_is_fine(msgid, msgstr):
    assert problems(msgid, msgstr) == []


@pytest.mark.parametrize(
    "msgid, msgstr",
    [
        ("Skip to content", SCRIPT),
        ("Skip to content", "<img src=x onerror=alert(1)>"),
        ("Skip to content", "Перейти <b>сейчас</b>"),
        ("Skip to content", "<scr"),
        ("Go <a href='%(url)s'>there</a>", "Иди <a href='javascript:x()'>туда</a>"),
        ("Search: %(query)s", "Поиск: %(qery)s"),
        ("Search: %(query)s", "Поиск: %(query)d"),
        ("Search: %(query)s", "Поиск"),
        ("Page %s of %s", "Страница %s"),
        ("Skip", "Пропустить {name}"),
        ("Skip", "Пропустить %(name)s"),
    ],
)
def test_extra_markup_or_a_placeholder_mismatch_is_refused(msgid, msgstr):
    assert problems(msgid, msgstr)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_catalogues_keep_to_the_rule(language):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    broken = []
    for entry in po:
        if entry.obsolete:
            continue
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            for problem in problems(entry.msgid, text, entry.msgid_plural or ""):
                broken.append(f"{entry.msgid!r}: {problem}")
    assert not broken, "\n".join(broken)


def test_escaping_keeps_only_the_msgids_markup():
    assert escape_translation(SCRIPT, "Skip") == "&lt;script&gt;window.pwned = 1&lt;/script&gt;"
    assert escape_translation('a" onfocus="x', "Skip") == "a&quot; onfocus=&quot;x"
    assert escape_translation("<b>да</b> &amp; <i>", "<b>yes</b>") == "<b>да</b> &amp; &lt;i&gt;"
    assert escape_translation("Skip <b>", "Skip <b>") == "Skip <b>"  # untranslated


# Catalogues on disk.


def write_catalogue(root: Path, language: str, entries: dict[str, str]) -> Path:
    directory = root / language / "LC_MESSAGES"
    directory.mkdir(parents=True, exist_ok=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
    for msgid, msgstr in entries.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["python-format"]))
    po.save(str(directory / "django.po"))
    po.save_as_mofile(str(directory / "django.mo"))
    return directory / "django.po"


@pytest.fixture
def catalogues(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    settings.CATALOGUE_CHECK_SECONDS = 0
    reset_translation_caches()
    yield tmp_path
    reset_translation_caches()


def test_a_compiled_catalogue_holding_script_anyway_loses_that_string(catalogues):
    write_catalogue(
        catalogues,
        "ru",
        {"Skip to content": SCRIPT, "Search": "Поиск", "Search: %(query)s": "Поиск: %(q)s"},
    )
    reset_translation_caches()
    with translation.override("ru"):
        assert translation.gettext("Skip to content") == "Skip to content"
        assert translation.gettext("Search: %(query)s") == "Search: %(query)s"
        assert translation.gettext("Search") == "Поиск"


def test_templates_escape_translated_text(catalogues):
    write_catalogue(
        catalogues,
        "ru",
        {"Skip to content": 'Пропустить" autofocus onfocus="x', "Search: %(query)s": "«%(query)s»"},
    )
    reset_translation_caches()
    template = engines["django"].from_string(
        '{% load i18n %}<a title="{% translate "Skip to content" %}">'
        "{% blocktranslate with query=q %}Search: {{ query }}{% endblocktranslate %}"
        '{% translate "Skip to content" as skip %}{{ skip }}</a>'
    )
    with translation.override("ru"):
        html = template.render({"q": "<b>"})
    assert 'autofocus onfocus="x' not in html
    assert html.count("Пропустить&quot; autofocus onfocus=&quot;x") == 2
    assert "«&lt;b&gt;»" in html


@pytest.mark.django_db
def test_no_page_lets_a_translation_break_out_of_its_attribute_or_element(catalogues, client, site):
    """Every translated string on every public page type, and the admin, carries a
    quote and attribute in the catalogue: none reaches the page as markup."""
    po = polib.pofile(str(ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    marker = '" data-injected="1'
    entries = {entry.msgid: entry.msgstr + marker for entry in po if entry.msgstr}
    write_catalogue(catalogues, "ru", entries)
    reset_translation_caches()
    make_rich_topic("rich-topic")
    publish_topic("plain-topic", reviewer=site)
    publish(Article.objects.get(slug="rich-topic"), reviewer=site)
    pages = [
        "/ru/",
        "/ru/regions/legs/",
        "/ru/topics/rich-topic/",
        "/ru/topics/plain-topic/",
        "/ru/search/?q=topic",
        "/ru/search/?q=",
        "/ru/no-such-page/",
        "/admin/login/",
    ]
    for path in pages:
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert 'data-injected="1' not in html, path
    client.force_login(make_user(roles.SITE_ADMINS))
    for path in ["/admin/", "/admin/reviews/languageversion/queue/"]:
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert 'data-injected="1' not in html, path


# Rosetta.


@pytest.mark.django_db
def test_rosetta_refuses_script_and_broken_placeholders_and_writes_nothing(catalogues):
    path = write_catalogue(
        catalogues, "ru", {"Skip to content": "Перейти", "Search: %(query)s": "Поиск: %(query)s"}
    )
    before = path.read_bytes()
    client = Client()
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    url = reverse("rosetta-form", kwargs={"po_filter": "project", "lang_id": "ru", "idx": 0})
    assert client.get(url).status_code == 200
    skip = hashlib.md5("Skip to contentПерейти".encode()).hexdigest()  # noqa: S324
    search = hashlib.md5("Search: %(query)sПоиск: %(query)s".encode()).hexdigest()  # noqa: S324

    for data in (
        {f"m_{skip}": SCRIPT},
        {f"m_{skip}": "Перейти к содержанию", f"m_{search}": "Поиск: %(qery)s"},
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        text = " ".join(str(m) for m in response.context["messages"])
        assert "Nothing was saved" in text
        assert path.read_bytes() == before

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.INTERFACE_STRING).exists()

    response = client.post(url, {f"m_{skip}": "Перейти к содержанию"})
    assert response.status_code == 302
    assert polib.pofile(str(path)).find("Skip to content").msgstr == "Перейти к содержанию"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.INTERFACE_STRING)
    assert entry.actor.groups.filter(name=roles.TRANSLATORS).exists()
    assert entry.language == "ru"
    assert entry.details["msgid"] == "Skip to content"
    assert entry.details["old"] == "Перейти"
    assert entry.details["new"] == "Перейти к содержанию"
    assert entry.details["catalogue"] == "locale/ru/LC_MESSAGES/django.po"


@pytest.mark.django_db
@pytest.mark.parametrize("po_filter", ["django", "third-party", "all"])
def test_translators_reach_only_the_projects_catalogues(catalogues, po_filter):
    write_catalogue(catalogues, "ru", {"Skip to content": "Перейти"})
    client = Client()
    client.force_login(make_user(roles.TRANSLATORS, languages=["ru"]))
    listing = reverse("rosetta-file-list", kwargs={"po_filter": po_filter})
    assert client.get(listing).status_code == 404
    for idx in range(3):
        form = reverse("rosetta-form", kwargs={"po_filter": po_filter, "lang_id": "ru", "idx": idx})
        assert client.get(form).status_code == 404
        assert client.get(form + "download/").status_code == 404
    project = client.get(reverse("rosetta-file-list", kwargs={"po_filter": "project"}))
    html = project.content.decode()
    assert "site-packages" not in html and ".venv" not in html


def test_finding_the_catalogues_leaves_no_temporary_file(monkeypatch):
    """rosetta detects a case-insensitive file system by creating a temporary file it
    never removes, on every catalogue listing, unless the settings say (the CI runs left
    about 24 empty /tmp/tmp* files each)."""
    import tempfile

    from rosetta import poutil

    made = []
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: made.append(a) or (0, "/x"))
    assert poutil.find_pos("ru")
    assert made == []
