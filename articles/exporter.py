"""`export_content`: the admin's current text written back into the content files.

Between loads the database is the one source of truth (articles/stored_state.py); this
brings the files back to it, so a team can keep its files in git. Each topic file is
edited in place with tomlkit: only values that differ from the database are rewritten,
so comments, key order, quoting and multi-line strings of everything else stay byte for
byte, and exporting unchanged content changes no byte. After writing, each topic records
the file's hash and its stored state as a load would, so a load right after an export
finds every file unchanged and changes nothing.

The shared files are exported the same way: `regions.toml` (one `[[region]]` per body
region, in the site's order), `notices.toml` (one `[[notice]]` per site notice) and
`emergency_numbers.toml` (the emergency notice's numbers, in their order). Entries are
matched by slug or key; an entry the database no longer has is removed from its file, a
new one appended; the tables are reordered only when the site's order differs.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from django.db import transaction

from .file_problems import Problem
from .file_reader import start_reading, validate_file
from .hashing import fingerprint
from .languages import language_codes
from .models import Article, BodyRegion, EmergencyNumber, SiteNotice
from .schema import entry_model, file_schemas
from .stored_state import stored_text
from .text import normalise_text
from .translation import translated_fields


def _same(current: Any, value: Any) -> bool:
    if isinstance(value, list) and isinstance(current, list):
        return list(current) == value
    if isinstance(current, str) and isinstance(value, str):
        # The loader stores texts in their normal form (a multi-line string's last line
        # end, for one, is not stored): a file text that loads as `value` stays as it is.
        return normalise_text(str(current)) == value
    return current == value


def _set(table, name: str, value: Any) -> None:
    if name in table and _same(table[name], value):
        return
    if value in (None, "", []):
        if name in table:
            del table[name]
        return
    if isinstance(value, str) and "\n" in value:
        value = tomlkit.string("\n" + value, multiline=True)
    table[name] = value


def _fill(table, obj, model) -> None:
    """Set every file field of `obj` on the TOML `table` (a document or a part's table)."""
    texts = set(translated_fields(model))
    parts = getattr(model, "content_parts", {})
    for name in entry_model(model).model_fields:
        if name in parts or (name in ("slug", "key") and name in table):
            continue
        if name in texts:
            values = {code: getattr(obj, f"{name}_{code}") or "" for code in language_codes()}
            if not any(values.values()):
                if name in table:
                    del table[name]
                continue
            if name not in table:
                table[name] = tomlkit.table()
            for code, value in values.items():
                _set(table[name], code, value)
            continue
        field = model._meta.get_field(name)
        if field.many_to_many:
            slugs = list(getattr(obj, name).values_list("slug", flat=True))
            if name in table and sorted(table[name]) == sorted(slugs):
                continue
            _set(table, name, sorted(slugs))
        else:
            value = getattr(obj, name)
            if isinstance(value, date) and name in table and table[name] == value:
                continue
            _set(table, name, value)


def _fill_parts(document, article: Article) -> None:
    for name, related_name in Article.content_parts.items():
        children = list(getattr(article, related_name).all())
        model = Article._meta.get_field(related_name).related_model
        if not children:
            if name in document:
                del document[name]
            continue
        if name not in document:
            document[name] = tomlkit.aot()
        tables = document[name]
        for index, child in enumerate(children):
            if index >= len(tables):
                tables.append(tomlkit.table())
            _fill(tables[index], child, model)
        while len(tables) > len(children):
            del tables[len(tables) - 1]


def _topic_paths(folder: Path) -> dict[str, Path]:
    paths = {}
    for path in sorted((folder / "topics").glob("*.toml")):
        try:
            slug = tomllib.loads(path.read_text(encoding="utf-8")).get("slug")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        if isinstance(slug, str):
            paths[slug] = path
    return paths


def _write(path: Path, before: bytes, document) -> bool:
    after = tomlkit.dumps(document).encode("utf-8")
    if after == before:
        return False
    path.write_bytes(after)
    return True


def _export_list(path: Path, table: str, key: str, objects: list, keep_order=False) -> bool:
    """Write `objects` (each with `key`) as the `[[table]]` entries of the file at
    `path`, in place; True if its bytes changed. The entries follow the order of
    `objects`, or with `keep_order` (notices have no order of their own) the file's."""
    before = path.read_bytes() if path.exists() else b""
    document = tomlkit.parse(before.decode("utf-8")) if before else tomlkit.document()
    existing = {}
    if table in document:
        existing = {entry.get(key): entry for entry in document[table]}
    if keep_order:
        rank = {value: index for index, value in enumerate(existing)}
        objects = sorted(objects, key=lambda obj: rank.get(getattr(obj, key), len(rank)))
    wanted = [getattr(obj, key) for obj in objects]
    if list(existing) != wanted:
        tables = tomlkit.aot()
        for obj in objects:
            entry = existing.get(getattr(obj, key))
            if entry is None:
                entry = tomlkit.table()
                entry[key] = getattr(obj, key)
            tables.append(entry)
        document[table] = tables
    for entry, obj in zip(document[table], objects, strict=True):
        _fill(entry, obj, type(obj))
    return _write(path, before, document)


def _export_numbers(path: Path, numbers: list[EmergencyNumber]) -> bool:
    before = path.read_bytes() if path.exists() else b""
    document = tomlkit.parse(before.decode("utf-8")) if before else tomlkit.document()
    if "number" not in document:
        document["number"] = tomlkit.aot()
    tables = document["number"]
    for index, number in enumerate(numbers):
        if index >= len(tables):
            tables.append(tomlkit.table())
        _fill(tables[index], number, EmergencyNumber)
    while len(tables) > len(numbers):
        del tables[len(tables) - 1]
    return _write(path, before, document)


def export_shared(folder: Path) -> list[Path]:
    """Write the regions, site notices and emergency numbers into the shared files under
    `folder`; returns the files whose bytes changed. Each entry then records its file's
    hash and stored state as a load would."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    with transaction.atomic():
        regions = list(BodyRegion.objects.order_by("order", "slug"))
        notices = list(SiteNotice.objects.order_by("key"))
        numbers = list(
            EmergencyNumber.objects.filter(notice__key=SiteNotice.Key.EMERGENCY).order_by(
                "order", "pk"
            )
        )
        shared = {
            "regions.toml": (regions, lambda path: _export_list(path, "region", "slug", regions)),
            "notices.toml": (
                notices,
                lambda path: _export_list(path, "notice", "key", notices, keep_order=True),
            ),
            "emergency_numbers.toml": (numbers, lambda path: _export_numbers(path, numbers)),
        }
        for name, (objects, export) in shared.items():
            path = folder / name
            # A file lists at least one entry (the schema): none in the database, no file.
            if objects and export(path):
                changed.append(path)
        # As a load of these files would leave the rows: unchanged at the next load.
        _topics, bundle, problems = start_reading(folder)
        if problems:
            raise ValueError("; ".join(str(problem) for problem in problems))
        for model, lookup, entries in (
            (BodyRegion, "slug", bundle.regions),
            (SiteNotice, "key", bundle.notices),
        ):
            for obj in model.objects.filter(**{f"{lookup}__in": list(entries)}):
                obj.content_hash = fingerprint(entries[getattr(obj, lookup)])
                obj.loaded_text = stored_text(obj)
                obj.save(update_fields=["content_hash", "loaded_text"])
    return changed


def export_content(folder: Path) -> list[Path]:
    """Every file: the shared ones first (topics name regions), then the topics."""
    return export_shared(folder) + export_topics(folder)


def export_topics(folder: Path) -> list[Path]:
    """Write every topic's current text into its file under `folder`/topics (a new file
    for a topic that has none); returns the files whose bytes changed."""
    folder = Path(folder)
    (folder / "topics").mkdir(parents=True, exist_ok=True)
    paths = _topic_paths(folder)
    schema = file_schemas()["topic"]
    changed = []
    with transaction.atomic():
        for article in Article.objects.order_by("slug").prefetch_related("regions"):
            path = paths.get(article.slug) or folder / "topics" / f"{article.slug}.toml"
            before = path.read_bytes() if path.exists() else b""
            document = tomlkit.parse(before.decode("utf-8")) if before else tomlkit.document()
            if "slug" not in document:
                document["slug"] = article.slug
            _fill(document, article, Article)
            _fill_parts(document, article)
            after = tomlkit.dumps(document).encode("utf-8")
            if after != before:
                path.write_bytes(after)
                changed.append(path)
            # As a load of this file would leave it: unchanged at the next load.
            problems: list[Problem] = []
            entry = validate_file(path, schema, problems)
            if entry is None:
                raise ValueError("; ".join(str(problem) for problem in problems))
            entry.pop("slug")
            article.content_hash = fingerprint(entry)
            article.loaded_text = stored_text(article)
            article.save(update_fields=["content_hash", "loaded_text"])
    return changed
