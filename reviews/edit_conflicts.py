"""Two people editing one item: the admin change form carries the text it was based on,
and a save whose base changed meanwhile is refused (optimistic locking).

Decision: the base travels in the form as the item's whole text (every language, parts
included: what the review workflow fingerprints), not as a version number. A version
column would need every writer (loader, migrations, scripts) to bump it; the text is
what matters, and with it the refusal can show what the other person changed. The check
runs under a row lock on the item, inside the admin's transaction, so two saves cannot
both pass it. The refused form keeps the user's own input (Django re-renders the posted
data), shows the other person's text in the fields this user left untouched, and now
carries the current text as its base: saving again, after reading the other person's
changes, is a deliberate choice.

Inline parts (warning signs, relief measures, references...) follow the same rule
(`merged_part_data`, used by the admin's `get_formset_kwargs`): each formset is re-shown
from what this person posted, except that a part field they left as it was in their base
shows the other person's text. A posted part is matched to the stored one by its id (the
formset's hidden `-id` field), to its base by its position when the form was shown.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, prefetch_related_objects
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE, language_codes
from articles.text import normalise_text
from staff import roles

from .diff import compare
from .models import LanguageVersion
from .registry import registry


def current_text(obj: Model) -> dict[str, Any]:
    """The item's text in every language, as the workflow reads it."""
    adapter = registry.of(obj)
    # Each relation read once for the four languages (not once per language), on a copy:
    # the rows kept with it must not answer for `obj` after a save changes them.
    read = copy.copy(obj)
    read._prefetched_objects_cache = dict(getattr(obj, "_prefetched_objects_cache", {}))
    prefetch_related_objects([read], *adapter.related)
    return {language: adapter.source_text(read, language) for language in language_codes()}


def encode(text: dict[str, Any]) -> str:
    return json.dumps(text, sort_keys=True, ensure_ascii=False, default=str)


def _decode(value: str | None) -> dict[str, Any] | None:
    try:
        decoded = json.loads(value or "")
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def conflict_message(obj: Model, base: dict[str, Any] | None, current: dict[str, Any]):
    """What the other person changed since `base`, by language and field, as word diffs."""
    adapter = registry.of(obj)
    editors = {
        version.language: version.last_edited_by
        for version in LanguageVersion.objects.filter(
            kind=adapter.kind, key=adapter.key_of(obj)
        ).select_related("last_edited_by")
    }
    rows = []
    for language in language_codes():
        before, after = (base or {}).get(language), current.get(language)
        if before == after:
            continue
        for change in compare(before, after or {}):
            if change.changed:
                who = editors.get(language)
                rows.append(
                    (
                        roles.language_name(language),
                        who.get_username() if who else _("content files"),
                        change.path,
                        change.diff_html,
                    )
                )
    return format_html(
        '<span class="edit-conflict">{}</span><ul class="edit-conflict-changes">{}</ul>',
        _(
            "Someone else saved this item after you opened it, so nothing was saved. "
            "Their changes are listed below; your own text is still in the form. Check it "
            "against theirs, then save again."
        ),
        format_html_join(
            "",
            "<li>{} ({}): {}: {}</li>",
            rows,
        ),
    )


def _posted_base(data) -> dict[str, Any] | None:
    return _decode(data.get("base_text"))


def merged_part_data(obj: Model, data, prefix: str, related_name: str, part: str):
    """The POST data for the inline formset `prefix` (the part `part` of `obj`, rows in
    `related_name`), with every part field this person left as it was in their base set to
    the text stored now; None when the base is unchanged (no conflict) or unknown."""
    base = _posted_base(data)
    current = current_text(obj)
    if base is None or encode(base) == encode(current):
        return None
    stored_ids = [str(pk) for pk in getattr(obj, related_name).values_list("pk", flat=True)]
    merged = data.copy()
    try:
        shown = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return None
    for index in range(shown):
        row_id = data.get(f"{prefix}-{index}-id", "")
        if row_id not in stored_ids:
            continue  # deleted meanwhile: the formset says so
        now_index = stored_ids.index(row_id)
        for language in language_codes():
            base_rows = ((base.get(language) or {}).get(part)) or []
            now_rows = ((current.get(language) or {}).get(part)) or []
            if index >= len(base_rows) or now_index >= len(now_rows):
                continue
            for field, before in base_rows[index].items():
                after = now_rows[now_index].get(field)
                if not isinstance(before, str) or not isinstance(after, str) or before == after:
                    continue
                name = f"{prefix}-{index}-{field}_{language}"
                if name not in data and language == SOURCE_LANGUAGE:
                    name = f"{prefix}-{index}-{field}"  # structure: once, with the English
                if name not in data:
                    continue
                if normalise_text(data.get(name, "")) == before:
                    merged[name] = after
    return merged


class BasedChangeForm(forms.ModelForm):
    """A change form that names the text it was based on (hidden `base_text`)."""

    base_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The text now: unchanged when the form is posted back on an unchanged item,
            # so `has_changed` stays false for a save with no change.
            self.fields["base_text"].initial = encode(current_text(self.instance))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        model = type(self.instance)
        # Locked until the admin's transaction ends: a second save waits, then sees ours.
        locked = model._default_manager.select_for_update().get(pk=self.instance.pk)
        current = current_text(locked)
        base = _decode(self.data.get(self.add_prefix("base_text")))
        if base is not None and encode(base) == encode(current):
            return cleaned
        data = self.data.copy()
        data[self.add_prefix("base_text")] = encode(current)
        # A field this person left as it was shows the other person's text, so saving
        # again does not undo it; what this person typed stays as typed.
        for name, value in cleaned.items():
            field, _sep, language = name.rpartition("_")
            before = ((base or {}).get(language) or {}).get(field)
            after = (current.get(language) or {}).get(field)
            if isinstance(after, str) and value == before and after != before:
                data[self.add_prefix(name)] = after
        self.data = data
        raise ValidationError(conflict_message(locked, base, current), code="edit_conflict")
