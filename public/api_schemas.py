"""The content API's answers as schemas (so its OpenAPI document): topics, regions,
notices, the 410 for what was withdrawn. A topic's Markdown sections are read from the
review registry, never retyped here (tests/test_declared_once.py).
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from articles.models import Article
from reviews.registry import registry

from .api_conventions import ERRORS
from .receipts import Receipt, ServedLanguage


class Review(Schema):
    reviewed_by: str = Field(description="The medical reviewer's public credit.")
    reviewed_by_language: str
    approved: datetime = Field(description="When this version was approved.")
    first_published: datetime = Field(description="First approval since last withdrawn.")
    next_review_due: date
    review_overdue: bool
    outdated: bool = Field(description="The English original changed since this review.")


class TopicSummary(ServedLanguage):
    slug: str
    title: str
    summary: str
    description: str = Field(description="At most 160 characters, for lists and search.")
    audience: str
    regions: list[str]
    url: str = Field(description="The topic's page.")
    api_url: str
    review: Review
    receipt: Receipt


class WarningSign(Schema):
    urgency: str
    text_html: str


class Relief(Schema):
    kind: str
    title: str
    how_to_html: str
    caution_html: str


class PreventionTip(Schema):
    title: str
    text_html: str


class Reference(Schema):
    publisher: str
    title: str
    url: str
    language: str
    checked: str


# A topic's Markdown sections, in the models' order, as the registry declares them (from
# articles/models/ and translation.py): a new translated section reaches the schema,
# the answers and the OpenAPI document without being named here.
TOPIC_SECTIONS = registry.for_model(Article).sections

Topic = type(TopicSummary)(
    "Topic",
    (TopicSummary,),
    {
        "__module__": __name__,
        "__qualname__": "Topic",
        "__annotations__": {
            **{f"{name}_html": str for name in TOPIC_SECTIONS},
            "warning_signs": list[WarningSign],
            "relief": list[Relief],
            "prevention": list[PreventionTip],
            "references": list[Reference],
        },
    },
)


class TopicPage(Schema):
    count: int = Field(description="Live topics in all.")
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    items: list[TopicSummary]


class Region(ServedLanguage):
    slug: str
    name: str
    description: str
    notice_html: str
    url: str
    api_url: str
    receipt: Receipt


class RegionDetail(Region):
    topics: list[TopicSummary]


class EmergencyNumber(Schema):
    country: str
    country_name: str
    service: str
    number: str


class Notice(ServedLanguage):
    key: str
    text_html: str | None = Field(None, description="Reviewed HTML (disclaimer, emergency).")
    text: str | None = Field(None, description="Plain one-line notices.")
    numbers: list[EmergencyNumber]


class Gone(Schema):
    detail: str
    withdrawn: datetime = Field(description="When the medical reviewers withdrew it.")
    regions: list[str] = Field(description="API addresses of the regions to look in instead.")


ITEM_ERRORS = {**ERRORS, 410: Gone}
