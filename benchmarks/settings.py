"""Settings for benchmark runs: the real stack on PostgreSQL, in two bench databases of its own.

BENCH_DATABASE_URL / BENCH_CRT_DATABASE_URL (defaults bench_hvt / bench_hvt_crt on 127.0.0.1);
BENCH_REDIS_URL (optional) puts the cache on Redis as in production (default: in process).
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The product's URLs plus the bench's floor view (benchmarks/urls.py); config.urls stays untouched.
ROOT_URLCONF = "benchmarks.urls"
DATABASES = {
    "default": env.db("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/bench_hvt"),
    "crt": env.db("BENCH_CRT_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/bench_hvt_crt"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
for _alias in DATABASES:
    DATABASES[_alias]["CONN_MAX_AGE"] = 60
with_session_options(DATABASES)  # noqa: F405 - the product's session settings (JIT off), as in production
REDIS_URL = ""
_cache = env("BENCH_REDIS_URL", default="")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache,
     "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if _cache else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)}
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
# As in production: the generator gives every HVT role holder the licence their role uses.
LICENCE_ENFORCEMENT = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the sweep warns by mail
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
