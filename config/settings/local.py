"""Development on the embedded default: two SQLite files, tasks in process."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403

SUBSIDY_ALLOW_DEMO_PAYEES = True  # the demo data's payees (budget.demo) may be paid on a laptop
