from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.loader import ContentError
from articles.models import Article, BodyRegion, ReliefMeasure, SiteNotice, WarningSign
from reviews.content_files import load_content
from reviews.models import LanguageVersion

from .support.content_files import topic_toml, write_content

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, BodyRegion, ReliefMeasure, SiteNotice, WarningSign)
    }


def test_load_creates_topic_with_its_parts_in_every_given_language(tmp_path):
    report = load_content(write_content(tmp_path))

    article = Article.objects.get(slug="leg-cramps")
    assert article.title_en == "Leg cramps"
    assert article.title_ru == "Судороги в ногах"
    assert article.title_es in ("", None)
    assert [r.slug for r in article.regions.all()] == ["legs"]
    assert article.provenance == ["seed.txt"]
    reference = article.references.get()
    assert (reference.publisher, reference.url, str(reference.checked)) == (
        "NHS",
        "https://www.nhs.uk/conditions/leg-cramps/",
        "2026-12-01",
    )
    assert [w.urgency for w in article.warning_signs.all()] == ["urgent", "emergency"]
    assert article.relief_measures.get().how_to_en == "Pull your toes towards you."
    assert BodyRegion.objects.get(slug="legs").notice_en == "A swollen calf can be a clot."
    assert SiteNotice.objects.get(key="disclaimer").text_ru == "Не заменяет врача."
    assert "topic leg-cramps" in report.created


def test_running_twice_changes_nothing(tmp_path):
    root = write_content(tmp_path)
    load_content(root)
    before = {a.slug: (a.updated_at, a.content_hash) for a in Article.objects.all()}
    ids = list(WarningSign.objects.values_list("pk", flat=True))

    report = load_content(root)

    assert report.created == [] and report.updated == []
    assert {a.slug: (a.updated_at, a.content_hash) for a in Article.objects.all()} == before
    assert list(WarningSign.objects.values_list("pk", flat=True)) == ids


def test_editing_one_file_updates_that_topic_only(tmp_path):
    root = write_content(
        tmp_path,
        {"leg-cramps": topic_toml(), "back": topic_toml(slug="back-pain", title="Back pain")},
    )
    load_content(root)
    back_before = Article.objects.get(slug="back-pain").updated_at

    (root / "topics" / "leg-cramps.toml").write_text(topic_toml(title="Leg and calf cramps"))
    report = load_content(root)

    assert report.updated == ["topic leg-cramps"]
    assert "topic back-pain" in report.unchanged
    assert Article.objects.get(slug="leg-cramps").title_en == "Leg and calf cramps"
    assert Article.objects.get(slug="back-pain").updated_at == back_before


def test_admin_edits_survive_a_rerun_when_the_file_did_not_change(tmp_path):
    root = write_content(tmp_path)
    load_content(root)
    Article.objects.filter(slug="leg-cramps").update(title_es="Calambres en las piernas")

    load_content(root)

    assert Article.objects.get(slug="leg-cramps").title_es == "Calambres en las piernas"


def test_command_prints_created_updated_and_unchanged(tmp_path, capsys):
    root = write_content(tmp_path)
    call_command("load_content", str(root))
    call_command("load_content", str(root))
    out = capsys.readouterr().out
    assert "created   topic leg-cramps" in out
    assert "0 created, 0 updated, 12 unchanged." not in out  # counts are the real ones
    assert "0 created, 0 updated, 4 unchanged." in out


BAD_FILES = {
    "bad syntax": (topic_toml().replace('audience = "all"', 'audience = "all'), "line 4"),
    "unknown region": (topic_toml().replace('["legs"]', '["legs", "elbow"]'), "regions[1]"),
    "unknown kind": (topic_toml().replace('"self_care"', '"surgery"'), "relief[0].kind"),
    "unknown urgency": (topic_toml().replace('"urgent"', '"whenever"'), "warning_signs[0].urgency"),
    "missing English title": (topic_toml().replace('en = "Leg cramps"\n', ""), "title.en"),
    "field that is not text": (
        topic_toml().replace('title.en = "Stretch the calf"', "title.en = 5"),
        "relief[0].title.en",
    ),
    "unknown language": (topic_toml(extra='\n[causes]\nfr = "Froid"\n'), "causes.fr"),
    "unknown field": (topic_toml(extra='\nsumary = "typo"\n'), "sumary"),
    "bad slug": (topic_toml(slug="Leg Cramps"), "slug"),
    "no regions": (topic_toml().replace('regions = ["legs"]', "regions = []"), "regions"),
    "regions not a list": (topic_toml().replace('["legs"]', '"legs"'), "regions"),
    "reference without address": (
        topic_toml().replace('url = "https://www.nhs.uk/conditions/leg-cramps/"', 'url = "nhs"'),
        "references[0].url",
    ),
    "reference date not a date": (
        topic_toml().replace("checked = 2026-12-01", 'checked = "yesterday"'),
        "references[0].checked",
    ),
    "description over 160 characters": (
        topic_toml(extra=f'\n[description]\nen = "{"x" * 161}"\n'),
        "description.en",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_malformed_file_is_reported_with_file_and_place_and_nothing_is_written(tmp_path, case):
    text, place = BAD_FILES[case]
    root = write_content(tmp_path, {"good": topic_toml(slug="good-topic"), "bad": text})
    before = row_counts()

    with pytest.raises(ContentError) as raised:
        load_content(root)

    messages = [str(problem) for problem in raised.value.problems]
    assert any("bad.toml" in message and place in message for message in messages), messages
    # Not even the valid file or the regions were written.
    assert row_counts() == before


def test_duplicate_slug_names_both_files_and_writes_nothing(tmp_path):
    root = write_content(tmp_path, {"one": topic_toml(), "two": topic_toml()})
    with pytest.raises(ContentError) as raised:
        load_content(root)
    message = str(raised.value)
    assert "two.toml" in message and "one.toml" in message and "duplicate" in message
    assert Article.objects.count() == 0


def test_a_bad_file_leaves_previously_loaded_content_as_it_was(tmp_path):
    root = write_content(tmp_path)
    load_content(root)
    (root / "topics" / "leg-cramps.toml").write_text(
        topic_toml(title="Changed").replace('"urgent"', '"soon"')
    )
    with pytest.raises(ContentError):
        load_content(root)
    assert Article.objects.get(slug="leg-cramps").title_en == "Leg cramps"


def test_command_exits_non_zero_and_lists_problems(tmp_path, capsys):
    root = write_content(tmp_path, {"bad": topic_toml().replace('"self_care"', '"surgery"')})
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(root))
    assert "bad.toml: relief[0].kind: 'surgery' is not one of" in capsys.readouterr().err


def test_reloading_a_changed_file_leaves_the_approved_version_live(tmp_path):
    from reviews import workflow
    from reviews.models import PublishedVersion
    from staff import roles

    from .support.factories import make_user, publish

    root = write_content(tmp_path)
    load_content(root)
    article = Article.objects.get(slug="leg-cramps")
    publish(article, ["en"], reviewer=make_user(roles.REVIEWERS, languages=["en"]))

    (root / "topics" / "leg-cramps.toml").write_text(topic_toml(title="Renamed by the file"))
    load_content(root)

    live = PublishedVersion.objects.live("en").get(key="leg-cramps")
    assert live.payload["title"] == "Leg cramps"
    version = workflow.version_for(article, "en")
    # Text from files has an author (issue 10): here the demo's content-files account.
    assert version.status == "draft" and version.last_edited_by.username == "content-files"


def test_committed_json_schemas_are_current(tmp_path):
    """Editors' TOML editors validate against content/schema/; it must match the models."""
    from django.conf import settings

    from articles.schema import export_json_schemas

    committed = Path(settings.CONTENT_DIR) / "schema"
    for path in export_json_schemas(tmp_path):
        assert (committed / path.name).read_text() == path.read_text(), (
            f"{path.name} is stale: run python manage.py export_content_schema"
        )


LIMITS = {
    "invisible character": ("Leg\u202e cramps", "title.en", "invisible"),
    "title too long": ("x" * 201, "title.en", "too long: 201 characters, at most 200"),
}


@pytest.mark.parametrize("case", LIMITS)
def test_text_limits_and_invisible_characters_are_refused_at_load(tmp_path, case):
    title, place, words = LIMITS[case]
    root = write_content(tmp_path, {"bad": topic_toml(title=title)})
    with pytest.raises(ContentError) as raised:
        load_content(root)
    assert any(place in str(p) and words in str(p) for p in raised.value.problems), raised.value
    assert Article.objects.count() == 0


def test_notice_and_emergency_number_errors_name_the_file_and_entry(tmp_path):
    root = write_content(tmp_path)
    (root / "notices.toml").write_text(
        '[[notice]]\nkey = "disclaimer"\ntext.en = "Not a doctor."\n'
        '[[notice]]\nkey = "banner"\ntext.en = "Hello"\n'
    )
    (root / "emergency_numbers.toml").write_text(
        '[[number]]\ncountry = "GB"\nservice = "fire"\nnumber = "999"\n'
        'country_name.en = "United Kingdom"\n'
    )
    with pytest.raises(ContentError) as raised:
        load_content(root)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("notices.toml: notice[1].key: 'banner' is not one of" in m for m in messages)
    assert any("emergency_numbers.toml: number[0].service: 'fire'" in m for m in messages)
    assert Article.objects.count() == 0


def test_emergency_numbers_load_as_parts_of_the_emergency_notice(tmp_path):
    from articles.models import SiteNotice

    root = write_content(tmp_path)
    (root / "notices.toml").write_text('[[notice]]\nkey = "emergency"\ntext.en = "Call now."\n')
    (root / "emergency_numbers.toml").write_text(
        '[[number]]\ncountry = "GB"\nservice = "emergency"\nnumber = "999"\n'
        'country_name.en = "United Kingdom"\ncountry_name.ru = "Великобритания"\n'
    )
    load_content(root)
    number = SiteNotice.objects.get(key="emergency").emergency_numbers.get()
    assert (number.country, number.number, number.country_name_ru) == (
        "GB",
        "999",
        "Великобритания",
    )


def many_topics(count: int) -> dict[str, str]:
    return {f"topic-{n}": topic_toml(slug=f"topic-{n}", title=f"Topic {n}") for n in range(count)}


def test_a_large_folder_is_written_in_batches_with_progress(tmp_path, monkeypatch, capsys):
    # Batches of 2 stand for the real 200: progress after each, edits recorded per batch.
    monkeypatch.setattr("articles.loader.LOAD_BATCH", 2)
    monkeypatch.setattr("reviews.management.commands.load_content.LOAD_BATCH", 2)
    root = write_content(tmp_path, many_topics(5))
    call_command("load_content", str(root))
    progress = [line.split()[0] for line in capsys.readouterr().err.splitlines()]
    assert progress == ["2/5", "4/5", "5/5"]
    assert Article.objects.count() == 5
    # Every topic's edits were recorded (by the content files' author), not only a batch's.
    assert LanguageVersion.objects.filter(kind="topic", language="en").count() == 5
    assert set(
        LanguageVersion.objects.filter(kind="topic", language="en").values_list(
            "contributors__username", flat=True
        )
    ) == {"content-files"}


def test_a_bad_file_after_written_batches_undoes_them_and_reports_every_problem(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("articles.loader.LOAD_BATCH", 2)
    topics = many_topics(5)
    topics["topic-1"] = topics["topic-1"].replace('"urgent"', '"soon"')  # an early problem
    topics["topic-4"] = topics["topic-4"].replace('"self_care"', '"surgery"')  # and a late one
    root = write_content(tmp_path, topics)
    with pytest.raises(ContentError) as raised:
        load_content(root)
    message = str(raised.value)
    assert "topic-1.toml: warning_signs[0].urgency" in message
    assert "topic-4.toml: relief[0].kind" in message
    assert row_counts() == dict.fromkeys(row_counts(), 0)  # topic-0, written first, is undone
    assert not LanguageVersion.objects.exists()


def test_check_counts_what_a_folder_holds_and_writes_nothing(tmp_path, capsys):
    root = write_content(tmp_path, many_topics(3))
    call_command("load_content", str(root), "--check")
    assert "OK: 2 regions, 1 notices, 3 topics, no problems." in capsys.readouterr().out
    assert row_counts() == dict.fromkeys(row_counts(), 0)
    (root / "topics" / "topic-2.toml").write_text(topic_toml(slug="topic-0"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(root), "--check")
    assert "duplicate topic slug 'topic-0'" in capsys.readouterr().err


def test_every_format_and_control_character_is_found_even_after_harmless_ones():
    """The checks' fast path (`str.isprintable`) must never hide a character the slow
    path names: every format (Cf) and control (Cc) character of Unicode is found,
    alone and after a text the fast path cannot vouch for (a no-break space), and
    line breaks, tabs and spaces other than U+0020 are never named."""
    import unicodedata

    from articles.file_reader import _control_characters
    from articles.validators import invisible_characters

    by_category: dict[str, list[str]] = {"Cf": [], "Cc": [], "Zs": []}
    for code in range(0x110000):
        category = unicodedata.category(chr(code))
        if category in by_category:
            by_category[category].append(chr(code))
    assert len(by_category["Cf"]) > 150 and len(by_category["Cc"]) == 65
    for prefix in ("Судороги\n", "Nocturnal\u00a0cramps\t"):
        for char in by_category["Cf"]:
            assert invisible_characters(f"{prefix}a{char}b") == [
                f"U+{ord(char):04X} {unicodedata.name(char, 'format character')}"
            ]
        for char in by_category["Cc"]:
            named = _control_characters(f"{prefix}a{char}b")
            assert named == ([] if char in "\n\r\t" else [named[0]]) and (
                char in "\n\r\t" or named[0].startswith(f"U+{ord(char):04X} ")
            )
    harmless = "".join(by_category["Zs"]) + "\n\r\t" + "ليلية\u064e"
    assert invisible_characters(harmless) == [] and _control_characters(harmless) == []


def test_the_state_kept_after_a_load_is_the_state_the_database_holds():
    """The loader keeps each entry's state from the rows it has just written, without
    reading its parts back: for every entry of the site's own content, that state is what
    reading the entry from the database gives (a difference would make the next load of a
    changed file refuse it as edited in the admin)."""
    from django.conf import settings

    from articles.stored_state import stored_text

    load_content(settings.CONTENT_DIR)
    entries = [*Article.objects.all(), *BodyRegion.objects.all(), *SiteNotice.objects.all()]
    assert len(entries) > 40
    for entry in entries:
        fresh = type(entry).objects.get(pk=entry.pk)
        assert entry.loaded_text == stored_text(fresh), entry
