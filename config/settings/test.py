"""Tests: SQLite in memory by default, PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from .base import *  # noqa: E402,F403
from .base import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
for _alias, _db in DATABASES.items():
    if not _db["ENGINE"].endswith("sqlite3"):
        _db.setdefault("TEST", {})["NAME"] = f"test_{_db['NAME']}"
LANGUAGE_CODE = "nl"
# Tests of other apps make users without licences; tests/licensing switches the check on.
LICENCE_ENFORCEMENT = env.bool("LICENCE_ENFORCEMENT", default=False)  # noqa: F405
