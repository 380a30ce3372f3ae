from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from articles.languages import SOURCE_LANGUAGE, language_codes
from articles.models import (
    Article,
    BodyRegion,
    PreventionTip,
    Reference,
    SiteNotice,
)
from articles.text import NormalisedCharField
from articles.translation import translated_fields
from staff import roles

from . import content_rules, workflow
from .diff import flatten
from .edit_conflicts import BasedChangeForm, merged_part_data
from .models import LanguageVersion, PublishedVersion
from .registry import registry
from .terms import Glossary
from .translator_desk import Desk, desk_for


class EnglishBesideForm(forms.ModelForm):
    """Shows the English, read-only, under each field in another language: the approved
    English with what changed since this language's approval, and the draft apart
    (reviews.translator_desk). `desk` is set per request by the admin (None on an add
    page: the English typed so far is shown)."""

    desk: Desk | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = SOURCE_LANGUAGE
        translated = translated_fields(self._meta.model)
        prefix = self.desk.prefix_of(self.instance) if self.desk is not None else None
        for name, field in self.fields.items():
            base, _sep, language = name.rpartition("_")
            if base not in translated or language == source:
                continue
            english = getattr(self.instance, f"{base}_{source}", "") or ""
            if prefix is not None:
                current = getattr(self.instance, name, "") or ""
                field.help_text = self.desk.help_html(f"{prefix}{base}", language, english, current)
            elif english:
                field.help_text = format_html(
                    '<span class="english-source" lang="{}" dir="ltr">{}: {}</span>',
                    source,
                    _("English source"),
                    english,
                )


class BasedEnglishBesideForm(BasedChangeForm, EnglishBesideForm):
    """The main change form of reviewed content: the English beside each translation, and
    the text it was based on (edit_conflicts.py)."""


def warn_avoided_terms(request, obj, languages: list[str]) -> None:
    """A warning per avoided glossary rendering in the translations just saved (the
    blocking rules are the content checks at review; this one only points it out)."""
    adapter = registry.of(obj)
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        glossary = Glossary(language)
        text = adapter.source_text(adapter.get(adapter.key_of(obj)), language)
        for path, value in flatten(text).items():
            for warning in glossary.avoided_in(value):
                messages.warning(request, f"{path} [{language}]: {warning}")


def with_desk(form_class: type[forms.ModelForm], desk: Desk | None) -> type[forms.ModelForm]:
    return type(form_class.__name__, (form_class,), {"desk": desk})


class LanguageScopedMixin:
    """Each person edits only the languages their role allows; the rest is read-only.

    Read-only fields are not taken from the POST data, so this holds on the server, not
    only in the form. Structure (slug, regions, kinds, order...) belongs to the English
    source and follows the English right.
    """

    structural_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Free text (not slugs, addresses or choices) is stored in one normal form.
        if (
            isinstance(db_field, models.CharField | models.TextField)
            and not isinstance(db_field, models.SlugField | models.URLField | models.EmailField)
            and not db_field.choices
        ):
            kwargs.setdefault("form_class", NormalisedCharField)
        if isinstance(db_field, models.URLField):
            # A source typed without a scheme is a secure address (Django 6's default;
            # without it the form warns, an error under the test settings).
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        allowed = roles.editable_languages(request.user)
        for field in translated_fields(self.model):
            for code in language_codes():
                if code not in allowed:
                    readonly.append(f"{field}_{code}")
        if roles.SOURCE_LANGUAGE not in allowed:
            model_fields = {field.name for field in self.model._meta.get_fields()}
            readonly.extend(name for name in self.structural_fields if name in model_fields)
        return readonly


class ReviewedContentAdmin(LanguageScopedMixin, TabbedTranslationAdmin):
    """Admin for content that goes through medical review: records who edited what."""

    form = BasedEnglishBesideForm

    # The address that published versions are filed under: fixed once created.
    identity_field = "slug"

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "review_status"]
        if obj is not None and self.identity_field not in readonly:
            readonly.append(self.identity_field)
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return with_desk(form, desk_for(request, obj))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "POST" and obj is not None and obj.pk is not None:
            # An edit conflict re-shows the parts as posted, with the other person's text
            # in part fields this person left alone (reviews/edit_conflicts.py).
            for part, related_name in getattr(obj, "content_parts", {}).items():
                if prefix == related_name:
                    merged = merged_part_data(obj, request.POST, prefix, related_name, part)
                    if merged is not None:
                        kwargs["data"] = merged
        return kwargs

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave the published version live and out of reach: withdraw first.
        if obj is not None and self._is_live(obj):
            return False
        return super().has_delete_permission(request, obj)

    def _is_live(self, obj) -> bool:
        adapter = registry.of(obj)
        return (
            PublishedVersion.objects.live()
            .filter(kind=adapter.kind, key=adapter.key_of(obj))
            .exists()
        )

    def save_model(self, request, obj, form, change):
        # A save with no real change (text compared in its normal form) writes nothing,
        # not even the row's "updated" time.
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines too, so the fingerprint covers the whole saved text.
        changed = workflow.record_edits(form.instance, by=request.user)
        _report_findings(request, form.instance)
        warn_avoided_terms(request, form.instance, changed)

    @admin.display(description=_("review status"))
    def review_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        adapter = registry.of(obj)
        versions = {
            version.language: version
            for version in LanguageVersion.objects.filter(
                kind=adapter.kind, key=adapter.key_of(obj)
            )
        }
        rows = []
        for code, name in settings.LANGUAGES:
            version = versions.get(code)
            if version is None:
                rows.append((name, "#", _("not started")))
            else:
                url = reverse("admin:reviews_languageversion_review", args=[version.pk])
                rows.append((name, url, version.get_status_display()))
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li>{}: <a href="{}">{}</a></li>', rows),
        )


class ScopedInline(LanguageScopedMixin, TranslationStackedInline):
    form = EnglishBesideForm
    extra = 0
    structural_fields = ("kind", "urgency", "order", "country", "service", "number")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_desk(formset.form, desk_for(request, obj))
        return formset


class ReferenceInline(LanguageScopedMixin, admin.TabularInline):
    """References are cited as they are, in no particular language: English editors'."""

    model = Reference
    extra = 0
    structural_fields = ("publisher", "title", "url", "language", "checked", "order")


def part_inlines(model) -> list[type]:
    """One inline per part the model declares (`content_parts`), in that order."""
    inlines = []
    for related_name in model.content_parts.values():
        relation = model._meta.get_field(related_name)
        child = relation.related_model
        if child is Reference:
            inlines.append(ReferenceInline)
            continue
        attributes = {"model": child, "fk_name": relation.field.name}
        if child is PreventionTip:
            attributes["exclude"] = ["region"]
        inlines.append(type(f"{child.__name__}Inline", (ScopedInline,), attributes))
    return inlines


@admin.register(Article)
class ArticleAdmin(ReviewedContentAdmin):
    list_display = ["title", "slug", "audience", "region_list", "updated_at"]
    list_filter = ["audience", "regions"]
    search_fields = ["slug", "title_en", "summary_en"]
    filter_horizontal = ["regions", "related"]
    exclude = ["provenance"]
    inlines = part_inlines(Article)
    structural_fields = ("slug", "regions", "related", "audience")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions"))
    def region_list(self, article: Article) -> str:
        return ", ".join(region.slug for region in article.regions.all())


@admin.register(BodyRegion)
class BodyRegionAdmin(ReviewedContentAdmin):
    list_display = ["name", "slug", "order"]
    structural_fields = ("slug", "order")


@admin.register(SiteNotice)
class SiteNoticeAdmin(ReviewedContentAdmin):
    list_display = ["key"]
    inlines = part_inlines(SiteNotice)
    structural_fields = ("key",)
    identity_field = "key"


def _report_findings(request, obj) -> None:
    """The content checks of the saved text, said at once (saving is never refused: a
    draft may be unfinished; approval asks for a reason where a finding blocks)."""
    found = content_rules.of_object(obj)
    if not found:
        return
    blocking = [finding for finding in found if finding.severity == "blocking"]
    messages.warning(
        request,
        format_html(
            "{} <ul>{}</ul>",
            _("Content checks: %(count)s findings, %(blocking)s of them blocking approval.")
            % {"count": len(found), "blocking": len(blocking)},
            format_html_join("", "<li>{}</li>", ((str(finding),) for finding in found[:10])),
        ),
    )
