"""The home page's body map (issue 23, item 6): a front and a back human outline as inline
SVG, each published region a link holding its visible name, in keyboard order, mirrored
for Arabic without flipping the bodies. The browser checks (keyboard, phone, axe) are in
tests/test_browser.py."""

import re

import pytest

from public import body_map
from tests.support.factories import make_region, publish
from tests.support.published import REGIONS, publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

FRONT = ["head", "eyes", "throat", "chest", "abdomen", "legs"]
BACK = ["neck", "back"]


def views(html):
    figure = html[html.index('<figure class="body-map"') : html.index("</figure>")]
    return re.findall(r'<svg [^>]*class="body-map-(\w+)".*?</svg>', figure, re.S), figure


def svg_of(html, name):
    return re.search(rf'<svg [^>]*class="body-map-{name}".*?</svg>', html, re.S)[0]


def labels(svg):
    """{region slug: (label x, text-anchor, visible text)} of the linked regions."""
    found = {}
    for slug, anchor_x, anchor, text in re.findall(
        r'<a href="/\w+/regions/([\w-]+)/"[^>]*>.*?<text class="region-label" x="([\d.]+)"'
        r' text-anchor="(\w+)">(.*?)</text></a>',
        svg,
        re.S,
    ):
        found[slug] = (float(anchor_x), anchor, " ".join(re.findall(r">([^<]+)<", text)))
    return found


@pytest.fixture
def every_region(site):
    for slug in {*FRONT, *BACK, "general"} - set(REGIONS):  # the site has those
        publish(make_region(slug), reviewer=site)
    return site


def test_front_and_back_views_with_every_region_a_labelled_link_in_order(client, every_region):
    html = client.get("/en/").content.decode()
    names, figure = views(html)
    assert names == ["front", "back"]  # front first in the document, so first by keyboard
    links = re.findall(r'<a href="/en/regions/([\w-]+)/" class="map-region"', figure)
    assert links == [*FRONT, *BACK, "general"]
    front, back = svg_of(html, "front"), svg_of(html, "back")
    assert "<title" in front and "<title" in back
    assert list(labels(front)) == FRONT and list(labels(back)) == BACK
    for slug, (_x, _anchor, text) in {**labels(front), **labels(back)}.items():
        # The visible label is the link's accessible name (WCAG "label in name").
        assert f'aria-label="{text}"' in html, slug
        assert text == f"{slug.capitalize()} [en]"
    # Whole body is an ordinary link under the two views, with its name as its text.
    whole = r'class="map-region" aria-label="General \[en\]"[^>]*>General \[en\]</a>'
    assert re.search(whole, html)


def test_an_unpublished_region_is_drawn_but_neither_a_link_nor_labelled(client, site):
    html = client.get("/en/").content.decode()
    front = svg_of(html, "front")
    assert list(labels(front)) == ["legs"] and list(labels(svg_of(html, "back"))) == ["back"]
    assert "/regions/head/" not in front and "Head" not in front
    # The head's shape is still there, hidden from screen readers.
    assert f'<g aria-hidden="true" class="figure"><path d="{body_map.HEAD}"/></g>' in front


def test_arabic_mirrors_the_labels_and_keeps_the_bodies(client, every_region):
    english, arabic = client.get("/en/").content.decode(), client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert views(arabic)[0] == ["front", "back"]  # the row's start is on the right
    for name in ("front", "back"):
        left_to_right, right_to_left = labels(svg_of(english, name)), labels(svg_of(arabic, name))
        assert list(left_to_right) == list(right_to_left)
        for slug, (x, anchor, _text) in left_to_right.items():
            mirrored_x, mirrored_anchor, text = right_to_left[slug]
            assert mirrored_x == body_map.WIDTH - x, slug
            assert mirrored_anchor == anchor  # "end" means the left edge in Arabic
            assert text.endswith("[ar]")
        # The outlines are the same paths: a person's sides are never swapped.
        shapes = re.compile(r'<path (?:class="shape" )?d="([^"]+)"')
        assert shapes.findall(svg_of(english, name)) == shapes.findall(svg_of(arabic, name))
    # Labels sit on both sides of a figure, and swap sides in Arabic.
    front = labels(svg_of(english, "front"))
    assert front["head"][0] < body_map.CENTRE < front["eyes"][0]
    front = labels(svg_of(arabic, "front"))
    assert front["eyes"][0] < body_map.CENTRE < front["head"][0]


def test_a_long_name_wraps_onto_two_lines_and_a_short_one_does_not():
    region = {"url": "/ru/regions/chest/", "name": "Грудная клетка", "shown": None}
    drawn = body_map.layout({"chest": region, "head": {**region, "name": "Голова"}}, rtl=False)
    front = {part["slug"]: part for part in drawn[0]["regions"]}
    assert [line["text"] for line in front["chest"]["lines"]] == ["Грудная", "клетка"]
    assert [line["text"] for line in front["head"]["lines"]] == ["Голова"]
    assert "lines" not in front["eyes"]  # not published: no label


def test_the_map_s_stylesheet_is_the_home_page_s_own_local_and_mirrors_by_itself(client, site):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/body-map.css")).read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    assert not re.search(r"(margin|padding|border)-(left|right)|text-align:\s*(left|right)", css)
    assert "css/body-map" in client.get("/en/").content.decode()
    publish_topic("leg-cramps", reviewer=site, regions=("legs",))
    assert "css/body-map" not in client.get("/en/topics/leg-cramps/").content.decode()
