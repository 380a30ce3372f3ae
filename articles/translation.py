"""Which fields are translated. Every reader-facing text field is listed here."""

from modeltranslation.translator import TranslationOptions, register

from .languages import SOURCE_LANGUAGE
from .models import Article, BodyRegion, PreventionTip, ReliefMeasure, SiteNotice, WarningSign


@register(BodyRegion)
class BodyRegionTranslation(TranslationOptions):
    fields = ("name", "description", "notice")


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "what_it_is", "symptoms", "causes", "risk_factors")
    required_languages = (SOURCE_LANGUAGE,)


@register(ReliefMeasure)
class ReliefMeasureTranslation(TranslationOptions):
    fields = ("title", "how_to", "caution")


@register(PreventionTip)
class PreventionTipTranslation(TranslationOptions):
    fields = ("title", "text")


@register(WarningSign)
class WarningSignTranslation(TranslationOptions):
    fields = ("text",)


@register(SiteNotice)
class SiteNoticeTranslation(TranslationOptions):
    fields = ("text",)
