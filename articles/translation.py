"""Which fields are translated. Every reader-facing text field is listed here, and only
here: the loader's schema, the review registry and the admin read this registry."""

from modeltranslation.translator import NotRegistered, TranslationOptions, register, translator

from .languages import SOURCE_LANGUAGE
from .models import (
    Article,
    BodyRegion,
    EmergencyNumber,
    PreventionTip,
    ReliefMeasure,
    SiteNotice,
    WarningSign,
)


@register(BodyRegion)
class BodyRegionTranslation(TranslationOptions):
    fields = ("name", "description", "notice")
    required_languages = {SOURCE_LANGUAGE: ("name",)}


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = (
        "title",
        "also_called",
        "summary",
        "description",
        "do_now",
        "what_it_is",
        "symptoms",
        "causes",
        "risk_factors",
    )
    required_languages = {SOURCE_LANGUAGE: ("title", "summary")}


@register(ReliefMeasure)
class ReliefMeasureTranslation(TranslationOptions):
    fields = ("title", "how_to", "caution")
    required_languages = {SOURCE_LANGUAGE: ("title",)}


@register(PreventionTip)
class PreventionTipTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = {SOURCE_LANGUAGE: ("title",)}


@register(WarningSign)
class WarningSignTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = {SOURCE_LANGUAGE: ("text",)}


@register(SiteNotice)
class SiteNoticeTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = {SOURCE_LANGUAGE: ("text",)}


@register(EmergencyNumber)
class EmergencyNumberTranslation(TranslationOptions):
    fields = ("country_name",)
    required_languages = {SOURCE_LANGUAGE: ("country_name",)}


def translated_fields(model) -> tuple[str, ...]:
    """The translated text fields of `model`, as registered above (none if unregistered)."""
    try:
        names = translator.get_options_for_model(model).fields
    except NotRegistered:
        return ()
    # modeltranslation keeps them in a set-like mapping whose order changes from one
    # process to the next (string hashing); pages show sections in the model's order.
    order = {field.name: index for index, field in enumerate(model._meta.fields)}
    return tuple(sorted(names, key=lambda name: order.get(name, len(order))))


def required_fields(model) -> tuple[str, ...]:
    """The fields that must have source-language text."""
    try:
        required = translator.get_options_for_model(model).required_languages
    except NotRegistered:
        return ()
    return tuple(required.get(SOURCE_LANGUAGE, ())) if isinstance(required, dict) else ()
