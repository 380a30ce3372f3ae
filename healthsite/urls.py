from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Interface strings for translators (django-rosetta behind our language checks).
    path("admin/strings/", include("reviews.interface_strings")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
)
