"""Read the human-editable content files (content/, see content/FORMAT.md) into the database.

Reading and writing are separate steps: every file is read and checked first, and only a
run with no problems at all writes anything, inside one transaction. A topic, region or
notice is written only when its entry in the files changed since the last load (a hash
is kept on the row), so re-running the loader is harmless and never undoes edits made
in the admin to content whose file did not change.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from reviews.snapshots import fingerprint
from reviews.workflow import record_edits

from .languages import SOURCE_LANGUAGE, language_codes
from .models import (
    Article,
    BodyRegion,
    PreventionTip,
    ReliefMeasure,
    SiteNotice,
    Source,
    WarningSign,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

TOPIC_TEXTS = ("title", "summary", "what_it_is", "symptoms", "causes", "risk_factors")
TOPIC_KEYS = {"slug", "regions", "audience", "sources", "warning_signs", "relief", "prevention"}
TOPIC_KEYS |= set(TOPIC_TEXTS)
REGION_KEYS = {"slug", "name", "description", "notice"}
NOTICE_KEYS = {"key", "text"}
WARNING_KEYS = {"urgency", "text"}
RELIEF_KEYS = {"kind", "title", "how_to", "caution"}
PREVENTION_KEYS = {"title", "text"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file: where (a line, or a field path) and what."""

    file: Path
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class ContentError(Exception):
    """The files have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # The rows this load created or changed, for the review workflow to record as edits.
    written: list = field(default_factory=list)


# Reading and checking -------------------------------------------------------------------


class _FileReader:
    """Checks one parsed file, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.path, where, message))

    def parse(self) -> dict[str, Any] | None:
        try:
            with self.path.open("rb") as handle:
                return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            # tomllib says "... (at line 12, column 5)"; lead with the position.
            message = str(error)
            match = re.search(r"\(at line (\d+), column (\d+)\)", message)
            where = f"line {match[1]}, column {match[2]}" if match else "syntax"
            self.problem(where, f"not valid TOML: {message}")
        except UnicodeDecodeError as error:
            self.problem("encoding", f"not UTF-8 text: {error}")
        except OSError as error:
            self.problem("file", f"cannot be read: {error}")
        return None

    def known_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    f"{where}{key}",
                    f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}",
                )

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = False):
        """A translated text: a table of language code -> string. Returns {lang: text}."""
        path = f"{where}{key}"
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{path}.{SOURCE_LANGUAGE}", "English text is required")
            return {}
        if not isinstance(value, dict):
            self.problem(
                path,
                f'expected a table of languages such as {key}.en = "...", got {_type_name(value)}',
            )
            return {}
        texts: dict[str, str] = {}
        for language, text in value.items():
            if language not in language_codes():
                self.problem(
                    f"{path}.{language}",
                    f"unknown language {language!r}; the site's languages are "
                    f"{', '.join(language_codes())}",
                )
            elif not isinstance(text, str):
                self.problem(f"{path}.{language}", f"expected text, got {_type_name(text)}")
            elif text.strip():
                texts[language] = text.strip()
        if (
            required
            and SOURCE_LANGUAGE not in texts
            and isinstance(value.get(SOURCE_LANGUAGE, ""), str)
        ):
            self.problem(f"{path}.{SOURCE_LANGUAGE}", "English text is required")
        return texts

    def string(self, data: dict[str, Any], key: str, where: str, *, required: bool = True):
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{where}{key}", "is required")
            return None
        if not isinstance(value, str):
            self.problem(f"{where}{key}", f"expected text, got {_type_name(value)}")
            return None
        return value.strip()

    def slug(self, data: dict[str, Any], key: str, where: str = "") -> str | None:
        value = self.string(data, key, where)
        if value is not None and not SLUG_RE.match(value):
            self.problem(
                f"{where}{key}",
                f"{value!r} is not a valid slug (lower-case letters, digits and hyphens)",
            )
            return None
        return value

    def choice(self, data: dict[str, Any], key: str, choices, where: str, default=None):
        value = data.get(key, default)
        allowed = [str(choice) for choice in choices]
        if value is None:
            self.problem(f"{where}{key}", f"is required; one of {', '.join(allowed)}")
        elif not isinstance(value, str):
            self.problem(f"{where}{key}", f"expected text, got {_type_name(value)}")
        elif value not in allowed:
            self.problem(f"{where}{key}", f"{value!r} is not one of {', '.join(allowed)}")
        else:
            return value
        return None

    def string_list(self, data: dict[str, Any], key: str, where: str = "") -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(
                f"{where}{key}", f'expected a list such as ["..."], got {_type_name(value)}'
            )
            return []
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{where}{key}[{index}]", f"expected text, got {_type_name(item)}")
            else:
                items.append(item.strip())
        return items

    def table_list(self, data: dict[str, Any], key: str, where: str = "") -> list[dict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(f"{where}{key}", f"expected a list of [[{key}]] tables")
            return []
        return value


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


@dataclass
class ContentBundle:
    """Everything read from the files, checked, as plain data ready to write."""

    regions: dict[str, dict] = field(default_factory=dict)
    notices: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)
    files: dict[tuple[str, str], Path] = field(default_factory=dict)


def read_content(path: Path) -> ContentBundle:
    """Read and check a content folder (or one topic file). Raises ContentError."""
    path = Path(path)
    problems: list[Problem] = []
    bundle = ContentBundle()
    if path.is_dir():
        if (path / "regions.toml").exists():
            _read_regions(path / "regions.toml", bundle, problems)
        if (path / "notices.toml").exists():
            _read_notices(path / "notices.toml", bundle, problems)
        topic_files = sorted((path / "topics").glob("*.toml"))
    elif path.is_file():
        topic_files = [path]
    else:
        raise ContentError([Problem(path, "path", "no such file or folder")])

    for topic_file in topic_files:
        _read_topic(topic_file, bundle, problems)

    known_regions = set(bundle.regions) | set(BodyRegion.objects.values_list("slug", flat=True))
    for slug, topic in bundle.topics.items():
        for index, region in enumerate(topic["regions"]):
            if region not in known_regions:
                problems.append(
                    Problem(
                        bundle.files[("topic", slug)],
                        f"regions[{index}]",
                        f"unknown region {region!r}; known regions are "
                        f"{', '.join(sorted(known_regions))}",
                    )
                )
    if problems:
        raise ContentError(problems)
    return bundle


def _read_regions(path: Path, bundle: ContentBundle, problems: list[Problem]) -> None:
    reader = _FileReader(path, problems)
    data = reader.parse()
    if data is None:
        return
    reader.known_keys(data, {"region"}, "")
    for index, entry in enumerate(reader.table_list(data, "region")):
        where = f"region[{index}]."
        reader.known_keys(entry, REGION_KEYS, where)
        slug = reader.slug(entry, "slug", where)
        region = {
            "order": index,
            "name": reader.text(entry, "name", where, required=True),
            "description": reader.text(entry, "description", where),
            "notice": reader.text(entry, "notice", where),
        }
        if slug is None:
            continue
        if slug in bundle.regions:
            reader.problem(f"{where}slug", f"duplicate region slug {slug!r}")
        bundle.regions[slug] = region
        bundle.files[("region", slug)] = path


def _read_notices(path: Path, bundle: ContentBundle, problems: list[Problem]) -> None:
    reader = _FileReader(path, problems)
    data = reader.parse()
    if data is None:
        return
    reader.known_keys(data, {"notice"}, "")
    for index, entry in enumerate(reader.table_list(data, "notice")):
        where = f"notice[{index}]."
        reader.known_keys(entry, NOTICE_KEYS, where)
        key = reader.choice(entry, "key", SiteNotice.Key.values, where)
        text = reader.text(entry, "text", where, required=True)
        if key is None:
            continue
        if key in bundle.notices:
            reader.problem(f"{where}key", f"duplicate notice {key!r}")
        bundle.notices[key] = {"text": text}
        bundle.files[("notice", key)] = path


def _read_topic(path: Path, bundle: ContentBundle, problems: list[Problem]) -> None:
    reader = _FileReader(path, problems)
    data = reader.parse()
    if data is None:
        return
    reader.known_keys(data, TOPIC_KEYS, "")
    slug = reader.slug(data, "slug")
    topic: dict[str, Any] = {
        "regions": reader.string_list(data, "regions"),
        "audience": reader.choice(data, "audience", Article.Audience.values, "", default="all"),
        "sources": reader.string_list(data, "sources"),
    }
    if not topic["regions"] and "regions" not in data:
        reader.problem("regions", "is required: at least one body region")
    for name in TOPIC_TEXTS:
        topic[name] = reader.text(data, name, "", required=name in ("title", "summary"))

    topic["warning_signs"] = []
    for index, entry in enumerate(reader.table_list(data, "warning_signs")):
        where = f"warning_signs[{index}]."
        reader.known_keys(entry, WARNING_KEYS, where)
        topic["warning_signs"].append(
            {
                "urgency": reader.choice(entry, "urgency", WarningSign.Urgency.values, where),
                "text": reader.text(entry, "text", where, required=True),
            }
        )
    topic["relief"] = []
    for index, entry in enumerate(reader.table_list(data, "relief")):
        where = f"relief[{index}]."
        reader.known_keys(entry, RELIEF_KEYS, where)
        topic["relief"].append(
            {
                "kind": reader.choice(entry, "kind", ReliefMeasure.Kind.values, where),
                "title": reader.text(entry, "title", where, required=True),
                "how_to": reader.text(entry, "how_to", where),
                "caution": reader.text(entry, "caution", where),
            }
        )
    topic["prevention"] = []
    for index, entry in enumerate(reader.table_list(data, "prevention")):
        where = f"prevention[{index}]."
        reader.known_keys(entry, PREVENTION_KEYS, where)
        topic["prevention"].append(
            {
                "title": reader.text(entry, "title", where, required=True),
                "text": reader.text(entry, "text", where),
            }
        )
    if slug is None:
        return
    if slug in bundle.topics:
        reader.problem(
            "slug", f"duplicate topic slug {slug!r}, also used by {bundle.files[('topic', slug)]}"
        )
        return
    bundle.topics[slug] = topic
    bundle.files[("topic", slug)] = path


# Writing ------------------------------------------------------------------------------


def _set_texts(obj, field_name: str, texts: dict[str, str]) -> None:
    for code in language_codes():
        setattr(obj, f"{field_name}_{code}", texts.get(code, ""))


def load_content(path: Path | None = None) -> LoadReport:
    """Read, check, and (only if everything is valid) write the content in one transaction."""
    bundle = read_content(Path(path or settings.CONTENT_DIR))
    report = LoadReport()
    with transaction.atomic():
        for slug, entry in bundle.regions.items():
            _write_region(slug, entry, report)
        for key, entry in bundle.notices.items():
            _write_notice(key, entry, report)
        for slug, entry in bundle.topics.items():
            _write_topic(slug, entry, report)
        # Text changed by the loader goes back to draft in the languages it touched;
        # whatever was approved stays live until a reviewer approves the new text.
        for obj in report.written:
            record_edits(obj, by=None)
    return report


def _stored(model, lookup: dict, digest: str, label: str, report: LoadReport):
    """Return (the stored row or None, whether its file is unchanged since the last load)."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None and obj.content_hash == digest:
        report.unchanged.append(label)
        return obj, True
    return obj, False


def _record(report: LoadReport, obj, label: str, created: bool) -> None:
    (report.created if created else report.updated).append(label)
    report.written.append(obj)


def _write_region(slug: str, entry: dict, report: LoadReport) -> None:
    digest = fingerprint(entry)
    region, same = _stored(BodyRegion, {"slug": slug}, digest, f"region {slug}", report)
    if same:
        return
    created = region is None
    region = region or BodyRegion(slug=slug)
    region.order = entry["order"]
    for name in ("name", "description", "notice"):
        _set_texts(region, name, entry[name])
    region.content_hash = digest
    region.save()
    _record(report, region, f"region {slug}", created)


def _write_notice(key: str, entry: dict, report: LoadReport) -> None:
    digest = fingerprint(entry)
    notice, same = _stored(SiteNotice, {"key": key}, digest, f"notice {key}", report)
    if same:
        return
    created = notice is None
    notice = notice or SiteNotice(key=key)
    _set_texts(notice, "text", entry["text"])
    notice.content_hash = digest
    notice.save()
    _record(report, notice, f"notice {key}", created)


def _write_topic(slug: str, entry: dict, report: LoadReport) -> None:
    digest = fingerprint(entry)
    article, same = _stored(Article, {"slug": slug}, digest, f"topic {slug}", report)
    if same:
        return
    created = article is None
    article = article or Article(slug=slug)
    article.audience = entry["audience"]
    for name in TOPIC_TEXTS:
        _set_texts(article, name, entry[name])
    article.content_hash = digest
    article.save()
    article.regions.set(BodyRegion.objects.filter(slug__in=entry["regions"]))
    article.sources.set([Source.objects.get_or_create(name=name)[0] for name in entry["sources"]])

    # The file is the whole truth for a changed topic: its parts are replaced in order.
    article.warning_signs.all().delete()
    article.relief_measures.all().delete()
    article.prevention_tips.all().delete()
    for order, item in enumerate(entry["warning_signs"]):
        sign = WarningSign(article=article, urgency=item["urgency"], order=order)
        _set_texts(sign, "text", item["text"])
        sign.save()
    for order, item in enumerate(entry["relief"]):
        measure = ReliefMeasure(article=article, kind=item["kind"], order=order)
        for name in ("title", "how_to", "caution"):
            _set_texts(measure, name, item[name])
        measure.save()
    for order, item in enumerate(entry["prevention"]):
        tip = PreventionTip(article=article, order=order)
        for name in ("title", "text"):
            _set_texts(tip, name, item[name])
        tip.save()
    _record(report, article, f"topic {slug}", created)
