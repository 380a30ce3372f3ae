"""Content checks on a topic's references: enough of them, the first a national patient
page, every one https on an allowed publisher and no local or defunct host, each with
its language (content/reference_policy.toml), and a warning where no reference is in a
reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .content_policy import ReferencePolicy, Rules
from .content_texts import BLOCKING, SOURCE, WARNING, Finding

MIN_REFERENCES = 2


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").casefold()
    return host[4:] if host.startswith("www.") else host


def _on(host: str, hosts: tuple[str, ...] | list[str]) -> bool:
    """Whether a host is one of `hosts`: ".example.org" covers the domain and its
    subdomains, "example.org" that host only ("www." ignored on both sides)."""
    for known in hosts:
        known = known.casefold().removeprefix("www.")
        if known.startswith("."):
            if host == known[1:] or host.endswith(known):
                return True
        elif host == known:
            return True
    return False


def check_references(topic: Mapping, rules: Rules) -> list[Finding]:
    """References: enough of them, the first a national patient page, every one https,
    on an allowed publisher and on no local or defunct host, with a known language."""
    references = topic.get("references") or []
    policy = rules.references
    findings = []
    if len(references) < MIN_REFERENCES:
        findings.append(
            Finding(
                "references-too-few",
                BLOCKING,
                "references",
                f"cite at least {MIN_REFERENCES} pages",
            )
        )
    for index, reference in enumerate(references):
        findings += _reference_problems(index, reference, policy)
    findings += _reader_languages(topic, references)
    if references:
        first = _host(str(references[0].get("url", "")))
        if not _on(first, policy.national):
            findings.append(
                Finding(
                    "reference-national-first",
                    BLOCKING,
                    "references[0].url",
                    "the first reference must be a national patient page "
                    f"({', '.join(policy.national)})",
                )
            )
    return findings


def _refusal(host: str, url: str, policy: ReferencePolicy) -> str | None:
    """Why a page may not be cited (a refused path, else the most specific refused host,
    unless the host is a national one), or None."""
    prefix = host + (urlsplit(url).path or "")
    refused = next(
        (why for known, why in policy.refused_paths.items() if prefix.startswith(known)), None
    )
    if not refused and not _on(host, policy.national):
        # The most specific refusal wins (ccg.nhs.uk before .nhs.uk).
        matches = [(known, why) for known, why in policy.refused.items() if _on(host, [known])]
        refused = max(matches, key=lambda item: len(item[0]))[1] if matches else None
    return refused


def _reference_problems(index: int, reference: Mapping, policy: ReferencePolicy) -> list[Finding]:
    """One reference: https, a host that may be cited and is known, its language, its
    publisher and title."""
    findings = []
    url = str(reference.get("url", ""))
    where = f"references[{index}].url"
    host = _host(url)
    if not url.startswith("https://") or not host or re.search(r"\s", url):
        findings.append(
            Finding("reference-not-https", BLOCKING, where, "cite the https address of the page")
        )
    refused = _refusal(host, url, policy)
    if refused:
        findings.append(
            Finding(
                "reference-refused-host", BLOCKING, where, f"{host} may not be cited: {refused}"
            )
        )
    elif not (_on(host, policy.national) or _on(host, policy.allowed)):
        findings.append(
            Finding(
                "reference-unknown-publisher",
                BLOCKING,
                where,
                f"{host} is not on the publishers' allow-list (content/reference_policy.toml)",
            )
        )
    if not str(reference.get("language", "")).strip():
        findings.append(
            Finding(
                "reference-language",
                BLOCKING,
                f"references[{index}].language",
                "give the language of the referenced page",
            )
        )
    if (
        not str(reference.get("publisher", "")).strip()
        or not str(reference.get("title", "")).strip()
    ):
        findings.append(
            Finding(
                "reference-incomplete",
                BLOCKING,
                f"references[{index}]",
                "a reference needs its publisher and title",
            )
        )
    return findings


def _reader_languages(topic: Mapping, references: list) -> list[Finding]:
    """A warning, not a block: a reputable page in the reader's language does not exist
    for every subject (issue 24 asks for one "where a reputable one exists")."""
    cited = {str(reference.get("language", "")) for reference in references}
    return [
        Finding(
            "reference-in-reader-language",
            WARNING,
            "references",
            f"no reference in {language}: add a reputable page in {language} if one exists",
        )
        for language in topic.get("title") or {}
        if language != SOURCE and language not in cited
    ]
