"""Markdown to sanitized HTML, once, at approval: what the reviewer previews is what the
public reads, character for character.

The writer's characters are kept: `<`, `>` and `&` are shown as typed (never taken for
tags or entities), a number that continues a sentence on a new line does not become a
numbered list, and an asterisk between digits (`2*3`) is not emphasis. What is Markdown
syntax the writer meant (paragraphs, `- ` lists, `**bold**`, `### ` subheadings) renders.
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "a", "blockquote", "h3", "h4",
}  # fmt: skip

_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^(\s*)(\d+)([.)])(\s+)")
_HEADING = re.compile(r"^#{1,6}\s")
_DIGIT_STAR = re.compile(r"(?<=\d)([*_])(?=\d)")


def _keep_characters(text: str) -> str:
    """Escape what Markdown or HTML would otherwise eat: angle brackets and ampersands
    become entities (shown literally), asterisks between digits are escaped."""
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
    for line in text.splitlines():
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


def markdown_html(text: str) -> str:
    if not text:
        return ""
    rendered = _plain_paragraphs(text)
    if rendered is None:
        return _markdown_html(text)
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="nofollow")


def _markdown_html(text: str) -> str:
    """Markdown to sanitized HTML through Python-Markdown (every text with syntax)."""
    source = _prepare_blocks(_keep_characters(text))
    rendered = _markdown().convert(source)
    # Subheadings inside a section sit under its h2.
    rendered = re.sub(r"<(/?)h[1-2]>", r"<\1h3>", rendered)
    rendered = re.sub(r"<(/?)h[5-6]>", r"<\1h4>", rendered)
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="nofollow")


def plain(text: str) -> str:
    """A one-line text (titles, summaries, labels): stored as the characters typed, with
    surrounding white space trimmed. Templates escape it on output."""
    return " ".join(text.split())


def html_to_text(value: str) -> str:
    """The visible text of rendered HTML (for search and for checks)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", value))
