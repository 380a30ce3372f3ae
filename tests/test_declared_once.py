"""A topic's sections are declared once (DESIGN, "declared once"): in a copy of the
project, one more translated section is added to `Article` and `articles/translation.py`
and nowhere else; after `makemigrations` and `migrate` it reaches the loader's schema,
the review text, the published snapshot, the page, the API answer and the OpenAPI
document. Runs in a subprocess, since the models of this process cannot change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COPIED = ["articles", "audit", "staff", "search", "feedback", "reviews", "strings", "public",
          "operations", "healthsite", "templates", "static", "locale", "content", "tests",
          "manage.py"]  # fmt: skip
NEW = "outlook"

CHECK = r"""
import json, os, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)

from articles.models import Article
from articles.schema import entry_model
from reviews.models import PublishedVersion
from reviews.registry import registry
from tests.support.factories import (
    make_region, make_topic, make_user, publish, publish_site_notices
)

reviewer = make_user("Medical reviewers", languages=["en"], credit="Dr Check")
publish_site_notices(["en"], reviewer=reviewer)
publish(make_region("legs", ["en"]), ["en"], reviewer=reviewer)
topic = make_topic("declared-topic", languages=["en"], regions=("legs",))
topic.outlook_en = "Most cramps **pass** within minutes."
topic.save()
adapter = registry.for_model(Article)
found = {
    "schema": "outlook" in entry_model(Article, ("slug",)).model_fields,
    "review_text": adapter.source_text(adapter.get("declared-topic"), "en").get("outlook"),
}
publish(topic, ["en"], reviewer=reviewer)
found["snapshot"] = PublishedVersion.objects.live().get(key="declared-topic").payload.get(
    "outlook_html"
)
client = Client()
found["page"] = "Most cramps <strong>pass</strong>" in client.get(
    "/en/topics/declared-topic/"
).content.decode()
found["api"] = client.get("/api/v1/en/topics/declared-topic/").json().get("outlook_html")
openapi = client.get("/api/v1/openapi.json").json()
found["openapi"] = "outlook_html" in openapi["components"]["schemas"]["Topic"]["properties"]
print(json.dumps(found))
"""


def add_section(copy: Path) -> None:
    models = copy / "articles" / "models" / "topics.py"
    text = models.read_text(encoding="utf-8")
    anchor = 'risk_factors = long_text(_("risk factors"), blank=True, help_text=_("Markdown."))\n'
    assert anchor in text
    models.write_text(
        text.replace(anchor, anchor + f'    {NEW} = long_text("outlook", blank=True)\n', 1),
        encoding="utf-8",
    )
    translation = copy / "articles" / "translation.py"
    text = translation.read_text(encoding="utf-8")
    start = text.index("class ArticleTranslation(TranslationOptions):")
    end = text.index(")", text.index("fields = (", start))
    separator = " " if text[:end].rstrip().endswith(",") else ", "
    translation.write_text(text[:end] + f'{separator}"{NEW}",' + text[end:], encoding="utf-8")


def run(copy: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_new_translated_section_reaches_every_reader(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    add_section(copy)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "healthsite.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": str(copy),
    }
    run(copy, "manage.py", "makemigrations", "articles", "-n", "outlook", "-v0", env=env)
    done = run(copy, "-c", CHECK, env=env)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "schema": True,
        "review_text": "Most cramps **pass** within minutes.",
        "snapshot": "<p>Most cramps <strong>pass</strong> within minutes.</p>",
        "page": True,
        "api": "<p>Most cramps <strong>pass</strong> within minutes.</p>",
        "openapi": True,
    }
