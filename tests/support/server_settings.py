"""Settings for tests that start a real gunicorn: dev settings with DEBUG off, and the
database, static root and catalogues the test hands over in the environment."""

import os
from pathlib import Path

from healthsite.settings.dev import *

DEBUG = False
LOCALE_PATHS = [Path(os.environ["TEST_LOCALE_DIR"])]
STATIC_ROOT = Path(os.environ["TEST_STATIC_ROOT"])
