from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: it reads only published snapshots (through `public.readers`)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = "Public site"
