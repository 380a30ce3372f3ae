"""What the loader last wrote for an entry, to tell whether the admin changed it since.

Files and the admin are two ways to edit one text; the database is the one source of
truth between loads, and the files are brought back to it with `export_content`. The
loader keeps, on each topic, region and notice it writes, the entry's stored state right
after the write (`loaded_text`: every column and part, as JSON). At the next load of a
changed file, a stored state that differs from it means someone changed the entry in
the admin: the loader refuses that entry (naming it, the changed fields and who) instead
of overwriting their work, unless run with --force (recorded in the audit log).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

# Bookkeeping, not content: never compared.
_IGNORED = {"id", "content_hash", "loaded_text", "updated_at"}


def _columns(obj: models.Model, skip: set[str]) -> dict[str, Any]:
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in _IGNORED and field.attname not in skip
    }


def stored_text(obj: models.Model, parts: dict[str, list] | None = None) -> dict[str, Any]:
    """The entry as the database holds it now: columns, related slugs, parts in order.
    `parts` ({related name: rows in order}): the rows the caller has just written, so
    they are not read back (a tenth of loading a topic)."""
    state = _columns(obj, set())
    for field in obj._meta.many_to_many:
        related = getattr(obj, field.name).values_list("slug", flat=True)
        state[field.name] = sorted(related)
    for name, related_name in getattr(obj, "content_parts", {}).items():
        relation = obj._meta.get_field(related_name)
        parent = relation.field.attname
        rows = getattr(obj, related_name).all() if parts is None else parts[related_name]
        state[name] = [_columns(child, {parent}) for child in rows]
    # As JSON holds it (dates as text), so it compares equal to the stored copy.
    return json.loads(json.dumps(state, default=str))


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for name, item in value.items():
            flat.update(_flat(item, f"{path}.{name}" if path else name))
        return flat
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        flat = {}
        for index, item in enumerate(value):
            flat.update(_flat(item, f"{path}[{index}]"))
        return flat
    return {path: value}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Field paths whose values differ ("title_ru", "relief[0].how_to_en")."""
    old, new = _flat(before), _flat(after)
    return [path for path in {**old, **new} if old.get(path) != new.get(path)]
