"""CRT settings with their defaults (read from Django settings, then the environment)."""

import environ
from django.conf import settings

_env = environ.Env()


def retention_days() -> int:
    """Days after closing before a dossier is anonymised (default: 5 years)."""
    return int(getattr(settings, "CRT_RETENTION_DAYS", None) or _env.int("CRT_RETENTION_DAYS", default=5 * 365))


def national_register_endpoint() -> str:
    return getattr(settings, "CRT_NATIONAL_REGISTER_ENDPOINT", "") or "simulator://"
