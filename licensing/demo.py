"""Demo licences: every demo-<role> account gets the licence its role needs (so the demo can use
HVT and CRT), plus one exempt technical account. Runs after accounts' demo. Idempotent.

The licence plans themselves are data (migration 0002, see licensing/data.py)."""

import datetime as dt

from django.db import transaction

from accounts.constants import Roles
from accounts.models import Organisation, User
from core import clock
from licensing.constants import LicenceGroups, LicenceTypes, SweepSources, Tools
from licensing.models import DeactivationEvent, LicenceAssignment, LicencePool, PlanPeriod, SweepRun
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
HISTORY_PREFIX = "demo-oud-"


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
    history = _deactivation_history(count=40 if small else 460)
    stdout.write(
        f"  {given} demo licences ({DEMO_PLAN} plan), technical account {TECHNICAL_ACCOUNT} (exempt), "
        f"{history} past deactivations"
    )


def _deactivation_history(*, count: int) -> int:
    """Past weekly sweeps (June 2022 – March 2025) that deactivated ``count`` former demo users, so
    that the deactivation report shows the kind of figure the note quotes ("more than 450")."""
    if User.objects.filter(username__startswith=HISTORY_PREFIX).exists():
        return DeactivationEvent.objects.filter(username__startswith=HISTORY_PREFIX).count()
    organisations = list(Organisation.objects.filter(kind__in=["local_government", "regional_government"]))
    start = dt.datetime(2022, 6, 6, 6, 0, tzinfo=clock.BRUSSELS)  # a Monday, 06:00
    weeks = 143  # until March 2025
    users = User.objects.bulk_create(
        [
            User(
                username=f"{HISTORY_PREFIX}{i:04d}",
                first_name="Oud-gebruiker",
                last_name=f"(demo {i})",
                is_active=False,
                password="!",  # unusable
                organisation=organisations[i % len(organisations)] if organisations else None,
                date_joined=start - dt.timedelta(days=60),
                last_activity=start + dt.timedelta(weeks=(i * weeks) // count) - dt.timedelta(days=41),
            )
            for i in range(count)
        ]
    )
    runs = {}
    events = []
    for user in users:
        when = user.last_activity + dt.timedelta(days=41)
        run = runs.get(when)
        if run is None:
            run = runs[when] = SweepRun.objects.create(started_at=when, now=when, source=SweepSources.SCHEDULE)
        events.append(
            DeactivationEvent(
                run=run, user=user, username=user.username, organisation=user.organisation,
                last_activity=user.last_activity, occurred_at=when,
            )
        )
    DeactivationEvent.objects.bulk_create(events)
    for run in runs.values():
        SweepRun.objects.filter(pk=run.pk).update(deactivated=sum(1 for e in events if e.run is run))
    return len(events)
