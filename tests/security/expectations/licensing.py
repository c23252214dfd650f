"""Permission-matrix entries for the licensing app (see tests/security/README.md).

Licence pages: support and central coordination manage, the HVT security auditor reads
(licensing.permissions); the superuser holds every Django permission. Assign and reactivate are
POST-only (405 on GET for those allowed; their POSTs are tested in tests/licensing/test_views.py).
"""

from accounts.constants import Roles
from tests.security.expectations._base import SUPERUSER_NO_CRT, AdminRule, Scope, only, roles, status

READERS = roles(Roles.SUPPORT, Roles.HVT_COORDINATOR, Roles.HVT_SECURITY_AUDITOR, SUPERUSER_NO_CRT)
MANAGERS = roles(Roles.SUPPORT, Roles.HVT_COORDINATOR, SUPERUSER_NO_CRT)
SUPER = roles(SUPERUSER_NO_CRT)
NOBODY: frozenset[str] = frozenset()


def _period():
    from licensing.models import PlanPeriod

    period, _ = PlanPeriod.objects.get_or_create(
        code="matrix", defaults={"name": "Matrixplan", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    )
    return period


def plan_period(scope: Scope) -> dict:
    from licensing.models import PlanPeriod

    n = PlanPeriod.objects.count()
    period = PlanPeriod.objects.create(code=f"mplan-{scope.name[:3]}-{n}", name="Matrixplan", starts_on="2031-01-01", ends_on="2031-12-31")
    return {"object_id": period.pk}


def licence_pool(scope: Scope) -> dict:
    from licensing.models import LicencePool, PlanPeriod

    n = PlanPeriod.objects.count()
    period = PlanPeriod.objects.create(code=f"mpool-{scope.name[:3]}-{n}", name="Matrixplan", starts_on="2032-01-01", ends_on="2032-12-31")
    pool = LicencePool.objects.create(period=period, tool="hvt", licence_type="full", group="local_governments", seats=1)
    return {"object_id": pool.pk}


def _user():
    from tests.factories import UserFactory

    return UserFactory()


def licence_assignment(scope: Scope) -> dict:
    from core import clock
    from licensing.models import LicenceAssignment, LicencePool

    pool, _ = LicencePool.objects.get_or_create(
        period=_period(), tool="general", licence_type="full", group="general", defaults={"seats": 1000}
    )
    assignment = LicenceAssignment.objects.create(pool=pool, user=_user(), tool=pool.tool, assigned_at=clock.now())
    return {"object_id": assignment.pk}


def _run():
    from core import clock
    from licensing.models import SweepRun

    return SweepRun.objects.create(started_at=clock.now(), now=clock.now(), source="command")


def sweep_run(scope: Scope) -> dict:
    return {"object_id": _run().pk}


def deactivation_event(scope: Scope) -> dict:
    from core import clock
    from licensing.models import DeactivationEvent

    user = _user()
    event = DeactivationEvent.objects.create(
        run=_run(), user=user, username=user.username, last_activity=user.date_joined, occurred_at=clock.now()
    )
    return {"object_id": event.pk}


def idle_warning(scope: Scope) -> dict:
    from core import clock
    from licensing.models import IdleWarning

    user = _user()
    warning = IdleWarning.objects.create(run=_run(), user=user, last_activity=user.date_joined, sent_at=clock.now())
    return {"object_id": warning.pk}


def inactive_user(scope: Scope) -> dict:
    """A deactivated account (a real pk: on PostgreSQL the ids do not start at 1 in every run)."""
    user = _user()
    user.is_active = False
    user.save(update_fields=["is_active"])
    return {"pk": user.pk}


EXPECTATIONS: dict = {
    "licensing:overview": only(READERS),
    "licensing:activity": only(READERS),
    # The tables behind the licence charts as CSV/XLSX (audited: tests/licensing/test_reports.py).
    "licensing:export": only(READERS, kwargs={"table": "pools"}),
    "licensing:assign": only(MANAGERS, status(405), writes="licensing.licenceassignment"),
    "licensing:reactivate": only(MANAGERS, status(405), obj=inactive_user, writes="licensing.licenceassignment"),
}

ADMIN_MODELS: dict = {
    "admin:licensing.planperiod": AdminRule(view=READERS, add=MANAGERS, change=MANAGERS, delete=SUPER, obj=plan_period),
    "admin:licensing.licencepool": AdminRule(view=READERS, add=MANAGERS, change=MANAGERS, delete=SUPER, obj=licence_pool),
    # Assignments are made through the service and never edited or deleted (released instead).
    "admin:licensing.licenceassignment": AdminRule(view=READERS, add=MANAGERS, delete=NOBODY, obj=licence_assignment),
    "admin:licensing.deactivationevent": AdminRule(view=READERS, obj=deactivation_event),
    "admin:licensing.idlewarning": AdminRule(view=READERS, obj=idle_warning),
    "admin:licensing.sweeprun": AdminRule(view=READERS, obj=sweep_run),
}
