"""XLIFF 1.2 export and import of translations, for CAT tools (OmegaT, Trados, memoQ...).

One file per language, one `<file>` per item (`original="topic/night-cramps"`), one
`<trans-unit>` per translated field and list item (`id="warning_signs[2].text"`, the paths
of reviews.diff.flatten):

- `<source>` is the approved English (the live English snapshot), never the draft;
- `<target>` is the current translation in the editable rows; its `state` comes from the
  review status: `signed-off` (approved and current), `translated` (written, not yet
  approved), `needs-review-translation` (the English changed since the translation was
  approved: the previous English is in a note), `needs-translation` (empty);
- `<note from="glossary">` carries the glossary terms whose English occurs in the source,
  with the preferred translation and the renderings to avoid;
- `<alt-trans origin="site translation memory">` offers an approved translation of the
  same English elsewhere on the site (reviews.memory); a match is never put in `<target>`,
  so it is never saved unless the translator takes it.

Import (`import_xliff`) is all or nothing. It refuses a file for another language, a
person who may not translate it, an item that does not exist, a segment whose source is no
longer the approved English (one message per segment), and a file exported before the
translation was changed in the site (the `hs:translation` fingerprint of each `<file>`).
It writes only the segments whose target differs from the site's text, runs the model
validation the admin runs (lengths, invisible characters) and the glossary warning, and
records the importer as a contributor (workflow.record_edits), so four-eyes holds.

translate-toolkit reads and writes the files: it is the toolkit behind Pootle and Weblate's
format support, handles XLIFF's namespaces, notes, alt-trans and states, and keeps the
XML well-formed; only the 1.2 namespace and version are set here (its own default is 1.1).

The file's shape is in `xliff_format`, the export in `xliff_export`, the import in
`xliff_import`; this module is their entry point.
"""

from .xliff_export import ExportRefused, export_xliff, selection
from .xliff_format import MEMORY_ORIGIN, NAMESPACE, OWN, Segment, XliffFile, item_name, segments
from .xliff_import import ImportRefused, ImportResult, import_xliff

__all__ = [
    "MEMORY_ORIGIN",
    "NAMESPACE",
    "OWN",
    "ExportRefused",
    "ImportRefused",
    "ImportResult",
    "Segment",
    "XliffFile",
    "export_xliff",
    "import_xliff",
    "item_name",
    "segments",
    "selection",
]
