from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: it reads only published snapshots (through `public.readers`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = "Public site"

    def ready(self):
        # The review page previews versions with the public templates (reviews.previews).
        from reviews import previews

        from .preview import RENDERERS

        for kind, renderer in RENDERERS.items():
            previews.register(kind, renderer)
