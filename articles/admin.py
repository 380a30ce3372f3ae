from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from .models import (
    Article,
    BodyRegion,
    PreventionTip,
    ReliefMeasure,
    SiteNotice,
    Source,
    WarningSign,
)


class WarningSignInline(TranslationStackedInline):
    model = WarningSign
    extra = 0


class ReliefMeasureInline(TranslationStackedInline):
    model = ReliefMeasure
    extra = 0


class PreventionTipInline(TranslationStackedInline):
    model = PreventionTip
    fk_name = "article"
    extra = 0
    exclude = ["region"]


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ["title", "slug", "audience", "region_list", "updated_at"]
    list_filter = ["audience", "regions"]
    search_fields = ["slug", "title_en", "summary_en"]
    filter_horizontal = ["regions", "sources"]
    inlines = [WarningSignInline, ReliefMeasureInline, PreventionTipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions"))
    def region_list(self, article: Article) -> str:
        return ", ".join(region.slug for region in article.regions.all())


@admin.register(BodyRegion)
class BodyRegionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]


@admin.register(SiteNotice)
class SiteNoticeAdmin(TabbedTranslationAdmin):
    list_display = ["key"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "reference"]
