"""Development on the embedded default: two SQLite files, tasks in process."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
