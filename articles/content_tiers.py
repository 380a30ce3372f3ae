"""Content checks on warning signs: each sign's tier agrees with its own words in every
language (the phrase lists of content_words.toml), and a sign the canonical table knows
has the table's tier and wording in every topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .content_policy import PHRASES, Rules, words_of
from .content_texts import BLOCKING, SOURCE, Finding

URGENCIES = ("emergency", "urgent", "routine")
EMERGENCY_WORDS = words_of("emergency")
URGENT_WORDS = words_of("urgent")
ROUTINE_WORDS = words_of("routine")
CONDITIONAL_WORDS = words_of("conditional")
SENTENCE_END = re.compile(r"(?<=[.;!?؛؟])\s+|\n+")

# Arabic attaches prepositions to the next word ("برقم" = "on the number"), so its
# phrases are not anchored at a word start (content_words.toml).
UNANCHORED = {code for code, table in PHRASES.items() if table.get("unanchored")}


def _has(text: str, words: tuple[str, ...], language: str = "") -> bool:
    start = "" if language in UNANCHORED else r"(?<!\w)"
    return any(re.search(start + word, text) for word in words)


def _conditional(sentence: str, language: str) -> bool:
    return any(re.search(pattern, sentence) for pattern in CONDITIONAL_WORDS.get(language, ()))


def _unconditional(text: str, language: str, words: tuple[str, ...]) -> bool:
    return any(
        _has(sentence, words, language) and not _conditional(sentence, language)
        for sentence in SENTENCE_END.split(text.casefold())
    )


def tier_problems(urgency: str, text: str, language: str) -> list[str]:
    """What in a sign's wording contradicts its tier (empty when it agrees). Languages
    without phrase lists are not judged."""
    if language not in EMERGENCY_WORDS:
        return []
    body = text.casefold()
    emergency, urgent = EMERGENCY_WORDS[language], URGENT_WORDS[language]
    problems = []
    if urgency == "emergency":
        if not _has(body, emergency, language):
            problems.append(
                "an emergency sign must tell the reader to call the emergency number now"
            )
    elif urgency == "urgent":
        if _unconditional(body, language, emergency):
            problems.append(
                "says to call the emergency number (emergency wording) but is "
                "filed as urgent: make it emergency, or make the call conditional"
            )
        if not _has(body, urgent, language):
            problems.append("an urgent sign must say to see a doctor today")
    elif urgency == "routine":
        if _unconditional(body, language, emergency) or _unconditional(body, language, urgent):
            problems.append("has emergency or urgent wording but is filed as routine")
        if not _has(body, ROUTINE_WORDS[language], language):
            problems.append("a routine sign must say to book an appointment or ask a doctor")
    else:
        problems.append(f"unknown urgency {urgency!r}")
    return problems


def check_sign_tiers(topic: Mapping) -> list[Finding]:
    """Each warning sign's tier agrees with its own words, in every language."""
    findings = []
    for index, sign in enumerate(topic.get("warning_signs") or []):
        for language, text in (sign.get("text") or {}).items():
            for problem in tier_problems(sign.get("urgency", ""), text, language):
                findings.append(
                    Finding(
                        "tier-wording", BLOCKING, f"warning_signs[{index}].text.{language}", problem
                    )
                )
    return findings


def check_canonical_signs(topic: Mapping, rules: Rules) -> list[Finding]:
    """A sign the canonical table knows has the table's tier (and wording) in every topic."""
    findings = []
    for index, sign in enumerate(topic.get("warning_signs") or []):
        english = (sign.get("text") or {}).get(SOURCE, "")
        for canonical in rules.canonical_signs:
            if not canonical.match.search(english):
                continue
            if sign.get("urgency") != canonical.urgency:
                findings.append(
                    Finding(
                        "canonical-tier",
                        BLOCKING,
                        f"warning_signs[{index}].urgency",
                        f"{canonical.key!r} is {canonical.urgency} in every topic "
                        f"(content/canonical_signs.toml, {canonical.source}), not "
                        f"{sign.get('urgency')}",
                    )
                )
            for wording in canonical.wording:
                if wording.casefold() not in english.casefold():
                    findings.append(
                        Finding(
                            "canonical-wording",
                            BLOCKING,
                            f"warning_signs[{index}].text.en",
                            f"{canonical.key!r} is worded {wording!r} in every topic",
                        )
                    )
    return findings
