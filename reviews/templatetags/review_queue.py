"""The admin home's review figures for the person signed in (reviews.queue.counts)."""

from django import template

from reviews import queue

register = template.Library()


@register.simple_tag(takes_context=True)
def review_counts(context) -> dict[str, int]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return queue.counts(request.user)
