"""Markdown to sanitized HTML, once, at approval: what the reviewer previews is what the
public reads, character for character.

The writer's characters are kept: `<`, `>` and `&` are shown as typed (never taken for
tags or entities), a number that continues a sentence on a new line does not become a
numbered list, and an asterisk between digits (`2*3`) is not emphasis. What is Markdown
syntax the writer meant (paragraphs, `- ` lists, `**bold**`, `### ` subheadings) renders.

Numbered lists render only when their numbers are 1, 2, 3... as typed: the public HTML
cannot number a list from "6." and then "12." (nh3 drops `start`/`value`), so lines such
as "6. years ... 12. years" stay text with their numbers. Markdown images are never
rendered (no images in reviewed text) and their syntax stays as typed, words included.
A link renders only when its target is http(s), or `tel:` with a number that is in the
link's own text ("call 112" -> tel:112); any other `[text](target)`, reference links
and definitions stay as typed, so nothing a reviewer cannot see leads elsewhere. The
review page lists every link's target beside the preview (`links`).
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

import markdown
import nh3

from search.folding import html_to_text

ALLOWED_TAGS = {
    "p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "a", "blockquote", "h3", "h4",
}  # fmt: skip

_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^(\s*)(\d+)([.)])(\s+)")
_HEADING = re.compile(r"^#{1,6}\s")
_DIGIT_STAR = re.compile(r"(?<=\d)([*_])(?=\d)")


_INLINE_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
_HTTP = re.compile(r"https?://[^/\s]", re.IGNORECASE)


def link_allowed(text: str, target: str) -> bool:
    """http(s) to a host, or a `tel:` number whose digits appear in the link text."""
    if _HTTP.match(target):
        return True
    if target.lower().startswith("tel:"):
        number = re.sub(r"\D", "", target[4:])
        return bool(number) and number in re.sub(r"\D", "", text)
    return False


def _keep_brackets(text: str) -> str:
    """Escape every `[` that does not open an allowed inline link (and the `!` of an
    image), so images, reference links and other targets stay as typed."""
    out: list[str] = []
    position = 0
    while True:
        bracket = text.find("[", position)
        if bracket < 0:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:bracket])
        link = _INLINE_LINK.match(text, bracket)
        image = bracket > 0 and text[bracket - 1] == "!"
        if link and not image and link_allowed(link.group(1), link.group(2)):
            out.append(link.group(0))
            position = link.end()
        else:
            out.append("\\[")
            position = bracket + 1


def _keep_characters(text: str) -> str:
    """Escape what Markdown or HTML would otherwise eat: angle brackets and ampersands
    become entities (shown literally), asterisks between digits are escaped, brackets
    that open no allowed link are escaped."""
    text = _keep_brackets(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _DIGIT_STAR.sub(r"\\\1", text)


def _starts_block(line: str, previous: str, inside_paragraph: bool) -> bool:
    """A bullet right under a sentence, or a heading right under text, needs a blank line."""
    if _BULLET.match(line):
        return inside_paragraph and not _NUMBERED.match(previous)
    return bool(_HEADING.match(line) and previous.strip())


def _prepare_blocks(text: str) -> str:
    """Editors write a bullet list straight under a sentence (Markdown wants a blank line
    first); a line starting with "112." right under a sentence continues the sentence, so
    its dot is escaped rather than making a numbered list. Headings get blank lines."""
    out: list[str] = []
    previous = ""
    lists = _numbered_lists(text.splitlines())
    for index, line in enumerate(text.splitlines()):
        if _NUMBERED.match(line) and index not in lists:
            # Numbers that are not a list counted from 1 stay as typed.
            line = _NUMBERED.sub(r"\1\2\\\3\4", line, count=1)
        inside_paragraph = bool(previous.strip()) and not _BULLET.match(previous)
        numbered = _NUMBERED.match(line)
        if numbered and inside_paragraph and not _NUMBERED.match(previous):
            line = _NUMBERED.sub(r"\1\2\\\3\4", line, count=1)
        elif (
            _BULLET.match(line)
            and inside_paragraph
            and not _NUMBERED.match(previous)
            or _HEADING.match(line)
            and previous.strip()
        ):
            out.append("")
        out.append(line)
        if _HEADING.match(line):
            out.append("")
            line = ""
        previous = line
    return "\n".join(out)


def _numbered_lists(lines: list[str]) -> set[int]:
    """Indexes of the lines that start items of a numbered list counted 1, 2, 3... with
    no gap or jump; a block of lines (up to a blank line) whose numbered lines are not
    that sequence is no list."""
    listed: set[int] = set()
    block: list[int] = []

    def close():
        numbered = [index for index in block if _NUMBERED.match(lines[index])]
        numbers = [int(_NUMBERED.match(lines[index]).group(2)) for index in numbered]
        if numbered and numbered[0] == block[0] and numbers == list(range(1, len(numbers) + 1)):
            listed.update(numbered)
        block.clear()

    for index, line in enumerate(lines):
        if line.strip():
            block.append(index)
        else:
            close()
    close()
    return listed


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def links(rendered: str) -> list[tuple[str, str]]:
    """(visible text, target) of every link in rendered HTML, for the review page."""
    return [
        (html_to_text(text).strip(), html.unescape(target))
        for target, text in _LINK.findall(rendered)
    ]


_local = threading.local()


def _markdown() -> markdown.Markdown:
    # Building a Markdown instance registers every processor again: one per thread,
    # reset between texts (as Python-Markdown documents), renders the same HTML.
    converter = getattr(_local, "markdown", None)
    if converter is None:
        converter = _local.markdown = markdown.Markdown(
            extensions=["sane_lists"], output_format="html"
        )
    return converter.reset()


# Text in which Markdown finds no syntax: no character that can start emphasis, code,
# links, escapes or raw HTML anywhere, and no line that could start a list, heading,
# quote, code block or rule, or end in a hard line break. Markdown would render it as
# its paragraphs, escaped; `markdown_html` does that directly (Python-Markdown takes
# most of an approval's time), and tests/test_rendering.py checks on the corpus and on
# random text that both ways give the same HTML.
_SYNTAX_CHARACTER = re.compile(r"[\\`*_\[\]!<>#|~=+\t\r\x00-\x09\x0b-\x1f\x7f]")
_SYNTAX_LINE = re.compile(r"^(?:\s|-|\d+[.)])|\s$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?:[ ]*\n)+")


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown gives text with no syntax in it (paragraphs), or None."""
    if _SYNTAX_CHARACTER.search(text):
        return None
    paragraphs = [block for block in _BLANK_LINES.split(text.strip("\n")) if block]
    if any(_SYNTAX_LINE.search(block) for block in paragraphs):
        return None
    escaped = (html.escape(block, quote=False) for block in paragraphs)
    return "\n".join(f"<p>{block}</p>" for block in escaped)


# A text renders to the same HTML every time (the Markdown configuration is fixed), and an
# approval renders every field of its version, most of them unchanged since the last one:
# the latest few thousand renders are kept (strings in, strings out; a few MB at most).
@lru_cache(maxsize=4096)
def markdown_html(text: str) -> str:
    if not text:
        return ""
    rendered = _plain_paragraphs(text)
    if rendered is None:
        return _markdown_html(text)
    return _clean(rendered)


_SCRIPT_SCHEME = re.compile(r"(java|vb)script:", re.IGNORECASE)


def _clean(rendered: str) -> str:
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        link_rel="nofollow",
        url_schemes={"http", "https", "tel"},
    )
    # A refused `[x](javascript:...)` stays as typed text; its colon is written as an
    # entity (the reader sees the same characters) so no script scheme appears in the
    # HTML at all, for any later consumer that scans it naively.
    return _SCRIPT_SCHEME.sub(r"\1script&#58;", cleaned)


def _markdown_html(text: str) -> str:
    """Markdown to sanitized HTML through Python-Markdown (every text with syntax)."""
    source = _prepare_blocks(_keep_characters(text))
    rendered = _markdown().convert(source)
    # Subheadings inside a section sit under its h2.
    rendered = re.sub(r"<(/?)h[1-2]>", r"<\1h3>", rendered)
    rendered = re.sub(r"<(/?)h[5-6]>", r"<\1h4>", rendered)
    return _clean(rendered)


def plain(text: str) -> str:
    """A one-line text (titles, summaries, labels): stored as the characters typed, with
    surrounding white space trimmed. Templates escape it on output."""
    return " ".join(text.split())
