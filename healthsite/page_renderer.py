"""The page renderer's process: `python -m healthsite.page_renderer`.

gunicorn's master starts one per host (healthsite/gunicorn.conf.py, unless
PAGE_RENDERER=0), PAGE_RENDERER_NICE (10) below the request workers in CPU priority; it
renders the pages queued after approvals (healthsite.page_cache.renderer) and stops on
SIGTERM or SIGINT, or when the process that started it is gone. Django is set up before
the page cache is imported (its modules import models)."""

import os
import signal


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthsite.settings.production")
    nice = int(os.environ.get("PAGE_RENDERER_NICE", 10))
    if nice:
        os.nice(nice)
    stopping = []
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, lambda *_: stopping.append(True))
    parent = os.getppid()
    # /metrics counts what visitors asked for: the renderer's own requests stay out of
    # the workers' shared counter files (operations.metrics).
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # sets Django up

    from healthsite.page_cache.renderer import Renderer
    from strings import sharing

    sharing.load_every_language()
    Renderer(application).run(lambda: bool(stopping) or os.getppid() != parent)


if __name__ == "__main__":
    main()
