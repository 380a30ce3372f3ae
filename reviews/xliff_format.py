"""The XLIFF 1.2 file as this site writes it (reviews.xliff): the store, the namespaces,
and the segments of an item (one per translated field and list item)."""

from __future__ import annotations

from dataclasses import dataclass

from translate.storage import xliff as toolkit

from articles.languages import SOURCE_LANGUAGE

from .models import LanguageVersion
from .registry import ReviewedKind

Status = LanguageVersion.Status
NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
OWN = "urn:healthsite:xliff"  # this site's attributes: ignored by CAT tools, kept by them
MEMORY_ORIGIN = "site translation memory"


class XliffFile(toolkit.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2."""

    XMLskeleton = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xliff version="1.2" xmlns="{NAMESPACE}" xmlns:hs="{OWN}">\n'
        # The toolkit starts from one file (removed once the real ones are added).
        f'<file original="NoName" source-language="{SOURCE_LANGUAGE}" datatype="plaintext">'
        "<body/></file>\n"
        "</xliff>"
    )
    namespace = NAMESPACE


@dataclass(frozen=True)
class Segment:
    path: str  # "title", "warning_signs[0].text"
    model_field: str  # "title", "text"
    part: str | None  # None for the item's own fields
    index: int | None


def segments(adapter: ReviewedKind, english: dict) -> list[Segment]:
    """The translatable segments of an item, in the order of its approved English."""
    found = [Segment(name, name, None, None) for name in adapter.shape.text_fields]
    for part in adapter.parts:
        for index, _item in enumerate(english.get(part.name, [])):
            found += [
                Segment(f"{part.name}[{index}].{name}", name, part.name, index)
                for name in part.shape.text_fields
            ]
    return found


def item_name(kind: str, key: str) -> str:
    return f"{kind}/{key}"
