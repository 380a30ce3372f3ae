from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_control

from operations import health, metrics
from public import api
from public import views as public_views
from public.sitemaps import SITEMAPS, sitemap_file

urlpatterns = [
    # Interface strings for translators (django-rosetta behind our language checks).
    path("admin/strings/", include("strings.rosetta_guards")),
    # The owner sets a new password from the link an administrator had mailed to them
    # (staff.credentials.send_reset_link); Django's views and the admin's templates.
    path(
        "admin/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # Outside the language prefix: machines ask for these by fixed paths.
    path("healthz/", health.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("robots.txt", public_views.robots_txt, name="robots_txt"),
    # The read-only content API (public.api); its OpenAPI document first.
    path("api/v1/openapi.json", api.openapi_document, name="openapi"),
    path("api/v1/", api.urls()),
    # An index of bounded files (public/sitemaps.py), each a page of one kind and language.
    path(
        "sitemap.xml",
        cache_control(public=True, max_age=3600)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap_file, name="sitemap-section"),
]

urlpatterns += i18n_patterns(
    path("", include("public.urls")),
)

handler404 = "public.views.page_not_found"
handler500 = "public.views.server_error"
