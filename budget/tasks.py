"""Celery tasks: interfaces that call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from budget.models import Tranche
from budget.subsidy.progress import progress_set
from budget.subsidy.services import run_calculate


@shared_task(name="budget.tasks.subsidy_run_calculate")
def subsidy_run_calculate(tranche_id: int, actor_id: int | None = None) -> str:
    """Calculate (or recalculate) the draft run of a tranche; progress goes to the cache (the page
    polls it), the run row holds the result. Returns the total."""
    tranche = Tranche.objects.get(pk=tranche_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    run = run_calculate(tranche=tranche, actor=actor, progress=lambda pct: progress_set(tranche_id, pct))
    return f"{run.total:.2f}"
