"""Write small content folders for loader tests."""

from pathlib import Path
from textwrap import dedent

REGIONS = """
[[region]]
slug = "legs"
name.en = "Legs"
name.ru = "Ноги"
notice.en = "A swollen calf can be a clot."

[[region]]
slug = "back"
name.en = "Back"
"""

NOTICES = """
[[notice]]
key = "disclaimer"
text.en = "Not a substitute for a doctor."
text.ru = "Не заменяет врача."
"""


def topic_toml(slug: str = "leg-cramps", title: str = "Leg cramps", extra: str = "") -> str:
    return dedent(
        f'''
        slug = "{slug}"
        regions = ["legs"]
        audience = "all"
        provenance = ["seed.txt"]

        [title]
        en = "{title}"
        ru = "Судороги в ногах"

        [summary]
        en = "Sudden tight calf muscles."
        ru = "Внезапное напряжение икр."

        [[warning_signs]]
        urgency = "urgent"
        text.en = "Your calf is swollen and hot."

        [[warning_signs]]
        urgency = "emergency"
        text.en = "Your leg is cold and pale."

        [[relief]]
        kind = "self_care"
        title.en = "Stretch the calf"
        how_to.en = "Pull your toes towards you."

        [[prevention]]
        title.en = "Drink water"

        [[references]]
        publisher = "NHS"
        title = "Leg cramps"
        url = "https://www.nhs.uk/conditions/leg-cramps/"
        language = "en"
        checked = 2026-12-01
        '''
    ) + dedent(extra)


def write_content(root: Path, topics: dict[str, str] | None = None) -> Path:
    (root / "topics").mkdir(parents=True, exist_ok=True)
    (root / "regions.toml").write_text(REGIONS, encoding="utf-8")
    (root / "notices.toml").write_text(NOTICES, encoding="utf-8")
    for name, text in (topics if topics is not None else {"leg-cramps": topic_toml()}).items():
        (root / "topics" / f"{name}.toml").write_text(text, encoding="utf-8")
    return root
