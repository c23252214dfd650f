"""Demo licences: every demo-<role> account gets the licence its role needs (so the demo can use
HVT and CRT), plus one exempt technical account. Runs after accounts' demo. Idempotent.

The licence plans themselves are data (migration 0002, see licensing/plans.py)."""

from django.db import transaction

from accounts.constants import Roles
from accounts.models import Organisation, User
from core import clock
from licensing.constants import LicenceGroups, LicenceTypes, Tools
from licensing.models import LicenceAssignment, LicencePool, PlanPeriod
from licensing.services import licence_assign

# role → (tool, type, group) of the licence its demo account holds
DEMO_LICENCES = {
    Roles.HVT_MUNICIPAL_FULL: (Tools.HVT, LicenceTypes.FULL, LicenceGroups.LOCAL_GOVERNMENTS),
    Roles.HVT_MUNICIPAL_LIMITED: (Tools.HVT, LicenceTypes.LIMITED, LicenceGroups.LOCAL_GOVERNMENTS),
    Roles.HVT_VLOT: (Tools.HVT, LicenceTypes.FULL, LicenceGroups.VLOT),
    Roles.HVT_SUBSIDY_COORDINATOR: (Tools.HVT, LicenceTypes.FULL, LicenceGroups.SUBSIDY_COORDINATION),
    Roles.HVT_COORDINATOR: (Tools.HVT, LicenceTypes.FULL, LicenceGroups.CENTRAL_COORDINATION),
    Roles.HVT_SECURITY_AUDITOR: (Tools.HVT, LicenceTypes.FULL, LicenceGroups.HVT_SECURITY_AUDITOR),
    Roles.CRT_CASE_MANAGER: (Tools.CRT, LicenceTypes.LIMITED, LicenceGroups.CRT_CASE_MANAGERS),
    Roles.CRT_REPORTING: (Tools.CRT, LicenceTypes.LIMITED, LicenceGroups.CRT_REPORTING),
    Roles.CRT_CENTRAL_ADMIN: (Tools.CRT, LicenceTypes.FULL, LicenceGroups.CRT_CENTRAL_MANAGEMENT),
    Roles.CRT_SECURITY_AUDITOR: (Tools.CRT, LicenceTypes.FULL, LicenceGroups.CRT_SECURITY_AUDITOR),
    Roles.SUPPORT: (Tools.GENERAL, LicenceTypes.FULL, LicenceGroups.GENERAL),
    # portal_user: portal licences are counted per login, not named.
}
DEMO_PLAN = "2024"
TECHNICAL_ACCOUNT = "demo-technische-koppeling"


@transaction.atomic
def seed(stdout, *, small: bool = False) -> None:
    period = PlanPeriod.objects.get(code=DEMO_PLAN)
    given = 0
    for role, (tool, licence_type, group) in DEMO_LICENCES.items():
        user = User.objects.filter(username=f"demo-{role}").first()
        if user is None or LicenceAssignment.objects.filter(user=user, tool=tool, released_at__isnull=True).exists():
            continue
        if not user.is_active:  # e.g. swept after 40 idle days: the demo starts afresh
            User.objects.filter(pk=user.pk).update(is_active=True, last_activity=clock.now())
            user.is_active = True
        pool = LicencePool.objects.get(period=period, tool=tool, licence_type=licence_type, group=group)
        licence_assign(user=user, pool=pool)
        given += 1
    technical, created = User.objects.get_or_create(
        username=TECHNICAL_ACCOUNT,
        defaults={
            "first_name": "Technische koppeling",
            "last_name": "(demo)",
            "is_technical_account": True,
            "organisation": Organisation.objects.filter(code="support").first(),
        },
    )
    if created:
        technical.set_unusable_password()
        technical.save(update_fields=["password"])
    stdout.write(f"  {given} demo licences ({DEMO_PLAN} plan), technical account {TECHNICAL_ACCOUNT} (exempt)")
