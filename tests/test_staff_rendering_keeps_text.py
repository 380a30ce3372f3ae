"""Issue 19, item 8: rendering keeps every typed character (numbers at line starts that
are no 1, 2, 3 list; image syntax), links go only to http(s) or to a `tel:` number
written in the link text, and the review page shows where each link leads."""

import random
import re

import pytest
from django.urls import reverse

from articles.models import Article
from reviews import workflow
from reviews.rendering import html_to_text, link_allowed, links, markdown_html
from staff import roles

from .support.browser_forms import csrf_client
from .support.factories import make_topic, make_user, publish


def visible(html: str) -> str:
    """What a reader sees, white space aside: an ordered list shows its numbers."""
    for items in re.findall(r"<ol>(.*?)</ol>", html, re.DOTALL):
        parts = items.split("<li>")
        numbered = parts[0] + "".join(
            f"<li>{number}. {part}" for number, part in enumerate(parts[1:], start=1)
        )
        html = html.replace(items, numbered)
    return re.sub(r"\s+", "", html_to_text(html))


def typed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    "text",
    [
        "Children grow out of it by\n6. years, most by\n12. years",
        "6. years is the usual age.\n12. years is the latest.",
        "![call 112 now](x)",
        "Call ![112](tel:112) now",
        "[call 112](tel:999)",
        "[another site](//other-host.example/page)",
        "[see this](javascript:alert(1))",
        "[a reference][1]\n\n[1]: https://other-host.example",
        "1. Stretch\n3. Walk",
    ],
)
def test_typed_characters_are_kept(text):
    html = markdown_html(text)
    assert visible(html) == typed(text), html
    assert "<ol" not in html and "<img" not in html
    assert all(link_allowed(text_, target) for text_, target in links(html))


def test_a_list_numbered_from_one_is_still_a_list():
    html = markdown_html("1. Stretch your calf\n2. Walk about")
    assert html.count("<li>") == 2
    assert visible(html) == typed("1. Stretch your calf 2. Walk about")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("[call 112](tel:112)", "tel:112"),
        ("[ring 999 now](tel:+999)", "tel:+999"),
        (
            "[NHS](https://www.nhs.uk/conditions/leg-cramps/)",
            "https://www.nhs.uk/conditions/leg-cramps/",
        ),
    ],
)
def test_allowed_links_render(text, target):
    [(_text, href)] = links(markdown_html(text))
    assert href == target


PIECES = ["6.", "12.", "1.", "2)", "112", "years", "call", "now", "![", "[", "](", ")",
          "]", "tel:112", "tel:999", "//other-host", "https://example.org", "x", "\n", " ",
          "\n\n"]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_generated_texts_keep_their_characters(seed):
    chooser = random.Random(seed)
    text = "".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 25)))
    html = markdown_html(text)
    assert "<img" not in html
    for link_text, target in links(html):
        assert link_allowed(link_text, target), (text, html)
    if "<a " not in html and "<ol" not in html and "<ul" not in html:
        assert visible(html) == typed(text), (text, html)


@pytest.mark.django_db
def test_the_review_page_shows_where_each_link_leads():
    article = make_topic(title="Night cramps")
    publish(article, ["en"])
    editor = make_user(roles.EDITORS, languages=["en"])
    Article.objects.filter(pk=article.pk).update(
        what_it_is_en="If it will not stop, [call 112](tel:112) or read [the NHS page]"
        "(https://www.nhs.uk/conditions/leg-cramps/). ![call 112 now](x)"
    )
    workflow.record_edits(Article.objects.get(pk=article.pk), by=editor)
    version = workflow.submit(workflow.version_for(article, "en"), by=editor)
    reviewer = make_user(roles.REVIEWERS, languages=["en"])
    client = csrf_client()
    client.force_login(reviewer)

    page = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))

    html = page.content.decode()
    assert 'call 112 → <code class="link-target">tel:112</code>' in html
    assert (
        'the NHS page → <code class="link-target">https://www.nhs.uk/conditions/leg-cramps/</code>'
        in html
    )
    assert "![call 112 now](x)" in html
