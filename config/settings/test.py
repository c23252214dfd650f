"""Tests: SQLite in memory by default, PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from .base import *  # noqa: E402,F403
from .base import CACHES, DATABASES  # noqa: E402

# pytest-xdist workers have their own databases (user ids repeat) but share one Redis: keep their
# cache keys apart, or one worker's cached "user 7 has no CRT role" answers for another's user 7.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["PYTEST_XDIST_WORKER"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
for _alias, _db in DATABASES.items():
    if not _db["ENGINE"].endswith("sqlite3"):
        _db.setdefault("TEST", {})["NAME"] = f"test_{_db['NAME']}"
LANGUAGE_CODE = "nl"
# Tests of other apps make users without licences; tests/licensing switches the check on.
LICENCE_ENFORCEMENT = env.bool("LICENCE_ENFORCEMENT", default=False)  # noqa: F405

SUBSIDY_ALLOW_DEMO_PAYEES = True  # tests use demo payees; test_subsidy_payment turns it off
