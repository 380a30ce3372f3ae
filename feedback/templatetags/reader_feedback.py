"""Reader feedback where reviewers work: on a language version's review page and, per
language, in the review queue. Template tags, so the review views stay as they are."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.db.models import Count, Q

from feedback.models import RETENTION_DAYS, ReaderFeedback

register = template.Library()

SHOWN = 50


@register.inclusion_tag("feedback/for_version.html")
def reader_feedback(version) -> dict:
    """What readers said about this topic in this language (two queries): the counts and
    the latest SHOWN answers."""
    if getattr(version, "kind", None) != "topic":
        return {"shown": False}
    answers = ReaderFeedback.objects.filter(topic=version.key, language=version.language)
    counts = answers.aggregate(
        yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False))
    )
    return {
        "shown": True,
        "answers": list(answers.only("useful", "comment", "created_at")[:SHOWN]),
        "retention_days": RETENTION_DAYS,
        **counts,
    }


@register.inclusion_tag("feedback/per_language.html")
def reader_feedback_per_language() -> dict:
    """Per language: how many answers are kept, how many said "not useful", how many
    have a comment (one query)."""
    rows = ReaderFeedback.objects.values("language").annotate(
        total=Count("pk"),
        not_useful=Count("pk", filter=Q(useful=False)),
        comments=Count("pk", filter=~Q(comment="")),
    )
    by_language = {row["language"]: row for row in rows}
    return {
        "rows": [
            {"code": code, "name": name, **by_language.get(code, {})}
            for code, name in settings.LANGUAGES
        ],
        "retention_days": RETENTION_DAYS,
    }
