"""The progress of a running calculation, in the cache (the run row only changes when it commits)."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)
PROGRESS_TTL = 3600


def _key(tranche_id: int) -> str:
    return f"budget:subsidy-run-progress:{tranche_id}"


def progress_set(tranche_id: int, percent: int) -> None:
    """Best effort: a display only (Redis down: no bar update, the run still completes)."""
    try:
        cache.set(_key(tranche_id), int(percent), PROGRESS_TTL)
    except Exception as exc:
        logger.warning("subsidy run %s: progress not stored (%s)", tranche_id, exc.__class__.__name__)


def progress_get(tranche_id: int) -> int | None:
    """The percentage of a calculation under way, or None (then the run row's ``progress`` holds)."""
    try:
        return cache.get(_key(tranche_id))
    except Exception:
        return None
