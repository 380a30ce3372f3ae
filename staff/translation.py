"""Reader-facing text of the review records: the reviewer's public credit, shown on every
approved page, is written per language like the content it vouches for."""

from modeltranslation.translator import TranslationOptions, register

from .models import StaffProfile


@register(StaffProfile)
class StaffProfileTranslation(TranslationOptions):
    fields = ("public_credit",)
