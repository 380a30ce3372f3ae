"""Issue 19, item 9: `load_content` reports deep nesting and control characters with the
file and the field path, and writes nothing (no traceback, no half-written load)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, BodyRegion, SiteNotice

from .support.content_files import topic_toml, write_content

pytestmark = pytest.mark.django_db


def rows():
    return (Article.objects.count(), BodyRegion.objects.count(), SiteNotice.objects.count())


@pytest.mark.parametrize("depth", [12, 5000])
def test_deep_nesting_is_named_with_its_file(tmp_path, capsys, depth):
    nested = "[" * depth + "1" + "]" * depth
    bad = topic_toml(slug="deep") + f"\n[what_it_is]\nen = {nested}\n"
    root = write_content(tmp_path, {"good": topic_toml(slug="good"), "deep": bad})

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(root))

    err = capsys.readouterr().err
    assert "deep.toml: " in err and "nested" in err and "Traceback" not in err
    if depth == 12:
        assert "deep.toml: what_it_is.en[0][0]" in err
    assert rows() == (0, 0, 0)


def test_control_characters_are_named_with_their_field_path(tmp_path, capsys):
    bad = (
        topic_toml(slug="controls")
        .replace(
            'how_to.en = "Pull your toes towards you."',
            'how_to.en = "Pull your toes\\u0000 towards you.\\u0007"',
        )
        .replace('en = "Sudden tight calf muscles."', 'en = "Sudden\\u001b[31m tight calf."')
    )
    root = write_content(tmp_path, {"good": topic_toml(slug="good"), "controls": bad})

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_content", str(root))

    err = capsys.readouterr().err
    assert "controls.toml: relief[0].how_to.en: " in err
    assert "U+0000 NUL" in err and "U+0007 BEL" in err
    assert "controls.toml: summary.en: " in err and "U+001B ESCAPE" in err
    assert rows() == (0, 0, 0)


def test_line_ends_and_tabs_are_not_control_problems(tmp_path):
    text = topic_toml().replace(
        'how_to.en = "Pull your toes towards you."',
        'how_to.en = "Pull\\tyour toes\\r\\ntowards you."',
    )
    call_command("load_content", str(write_content(tmp_path, {"leg-cramps": text})))
    measure = Article.objects.get(slug="leg-cramps").relief_measures.get()
    assert measure.how_to_en == "Pull\tyour toes\ntowards you."
