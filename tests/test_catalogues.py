"""Interface-string catalogues: complete, current, and valid for every language."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The apps, the project package, the templates.
SOURCES = ["articles", "audit", "staff", "search", "feedback", "reviews", "strings", "public"]
SOURCES += ["healthsite"]
SOURCES += ["templates", "manage.py"]


def catalogue(root: Path, language: str) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def keys(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """makemessages run over a copy of the project, so the real catalogues stay untouched."""
    copy = tmp_path_factory.mktemp("catalogues")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    shutil.copytree(ROOT / "locale", copy / "locale")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "healthsite.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "update_catalogues", "-v0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return copy


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(fresh_catalogues, language):
    missing = keys(catalogue(fresh_catalogues, language)) - keys(catalogue(ROOT, language))
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stale_strings_linger_in_the_catalogue(fresh_catalogues, language):
    stale = keys(catalogue(ROOT, language)) - keys(catalogue(fresh_catalogues, language))
    assert not stale, f"run `make messages`: no longer used: {sorted(stale)[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = catalogue(ROOT, language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_with_matching_placeholders(language):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
