"""What a translated interface string may contain: the text of its language, plus only
the markup (HTML tags) and placeholders of its msgid. Anything else could run script in
a reviewer's browser (`{% translate %}` output is not escaped by Django) or break the
page (`%(name)s` that the code does not pass answers 500).

Used when a translator saves in the browser (rosetta), by the catalogue test for the
committed .po files, when a worker loads a compiled catalogue, and when a template
renders a translation (reviews.templatetags.safe_i18n).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Anything that starts like a tag, a comment or a declaration, up to its end (or the end
# of the text when it never closes).
TAG = re.compile(r"<[^>]*(?:>|$)")
ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
BRACE = re.compile(r"\{(?P<name>[^{}]*)\}")


def markup(text: str) -> Counter:
    return Counter(TAG.findall(text))


def placeholders(text: str) -> tuple[Counter, list[str], Counter]:
    """(named %(x)s, positional %s in order, {x}) of `text`; %% is not a placeholder."""
    named, positional = Counter(), []
    for match in PERCENT.finditer(text):
        token = match.group(0)
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            named[token] += 1
        else:
            positional.append(token)
    braces = Counter(
        match.group(0) for match in BRACE.finditer(text.replace("{{", "").replace("}}", ""))
    )
    return named, positional, braces


def problems(msgid: str, msgstr: str, msgid_plural: str = "") -> list[str]:
    """Why `msgstr` may not translate `msgid`; empty when it may. An empty msgstr (not
    translated yet) is always fine."""
    if not msgstr:
        return []
    found = []
    allowed_markup = markup(msgid) | markup(msgid_plural)
    extra_markup = markup(msgstr) - allowed_markup
    if extra_markup:
        found.append(
            _("markup that the original does not have: %(markup)s")
            % {"markup": ", ".join(sorted(extra_markup))}
        )
    stray = TAG.sub("", msgstr)
    if "<" in stray:
        found.append(_("an opening angle bracket that the original does not have"))

    named, positional, braces = placeholders(msgid)
    plural_named, plural_positional, plural_braces = placeholders(msgid_plural)
    got_named, got_positional, got_braces = placeholders(msgstr)
    unknown = set(got_named) - set(named) - set(plural_named)
    unknown |= set(got_braces) - set(braces) - set(plural_braces)
    if unknown:
        found.append(
            _("placeholders that the original does not have: %(names)s")
            % {"names": ", ".join(sorted(unknown))}
        )
    expected = positional or plural_positional
    if got_positional != expected and not (msgid_plural and got_positional == plural_positional):
        found.append(
            _("the original's placeholders %(expected)s must stay as they are (found %(found)s)")
            % {
                "expected": " ".join(expected) or "—",
                "found": " ".join(got_positional) or "—",
            }
        )
    if (named or plural_named) and not msgid_plural and set(named) - set(got_named):
        found.append(
            _("placeholders missing: %(names)s")
            % {"names": ", ".join(sorted(set(named) - set(got_named)))}
        )
    return found


def escape_translation(text: str, msgid: str) -> SafeString:
    """`text` (a translation of `msgid`) for HTML: the msgid's own tags and character
    references are kept, everything else is escaped. The untranslated msgid, the
    template author's own text, is kept as it is."""
    if text == msgid:
        return mark_safe(text)  # noqa: S308 - the template's own literal
    allowed = markup(msgid)
    pieces, position = [], 0
    for match in re.finditer(f"{TAG.pattern}|{ENTITY.pattern}", text):
        pieces.append(escape(text[position : match.start()]))
        token = match.group(0)
        if token.startswith("&") or allowed[token] > 0:
            if not token.startswith("&"):
                allowed[token] -= 1
            pieces.append(token)
        else:
            pieces.append(escape(token))
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - escaped above, but for msgid's markup
