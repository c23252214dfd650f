import datetime as dt

import pytest
from django.core import mail

from accounts.models import User
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.constants import ReleaseReasons, SweepSources
from licensing.models import DeactivationEvent, IdleWarning, LicenceAssignment, SweepRun
from licensing.services import licence_assign, users_idle_sweep, users_idle_warn
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db(databases=["default", "crt"])  # a deactivation reaches the CRT realm


def sweep(now=NOW):
    return users_idle_sweep(now=now, source=SweepSources.COMMAND)


def warn(now=NOW):
    return users_idle_warn(now=now, source=SweepSources.COMMAND)


def active(user) -> bool:
    return User.objects.get(pk=user.pk).is_active


def test_boundary_39_40_41_days(idle_user):
    u39, u40, u41 = idle_user(39), idle_user(40), idle_user(41)
    run = sweep()
    assert (active(u39), active(u40), active(u41)) == (True, False, False)
    assert run.deactivated == 2
    assert set(DeactivationEvent.objects.values_list("user_id", flat=True)) == {u40.pk, u41.pk}


def test_boundary_uses_the_brussels_date(idle_user):
    # 23:30 Brussels on day -40 is still that Brussels date (22:30 UTC): 40 days → deactivated.
    late = idle_user(40)
    late.last_activity = dt.datetime.combine(
        clock.brussels_date(NOW) - dt.timedelta(days=40), dt.time(23, 30), tzinfo=clock.BRUSSELS
    )
    late.save()
    # 00:10 Brussels on day -39 (23:10 UTC the day before): 39 Brussels days → untouched.
    early = idle_user(39)
    early.last_activity = dt.datetime.combine(
        clock.brussels_date(NOW) - dt.timedelta(days=39), dt.time(0, 10), tzinfo=clock.BRUSSELS
    )
    early.save()
    sweep()
    assert not active(late)
    assert active(early)


def test_active_yesterday_is_never_touched(idle_user):
    user = idle_user(1)
    run = sweep()
    assert active(user) and run.deactivated == 0 and run.warned == 0


def test_never_logged_in_counts_from_account_creation(idle_user):
    new = idle_user(39, never_logged_in=True)
    old = idle_user(40, never_logged_in=True)
    sweep()
    assert active(new)
    assert not active(old)
    assert DeactivationEvent.objects.get(user=old).last_activity == old.date_joined


def test_technical_accounts_are_exempt(idle_user):
    technical = idle_user(400, is_technical_account=True)
    sweep()
    assert active(technical)
    assert not DeactivationEvent.objects.filter(user=technical).exists()


def test_sweep_releases_licence_and_records_event(idle_user, pool):
    user = idle_user(45, organisation=None)
    hvt = pool()
    general = pool("general", "full", "general")
    with clock.frozen(NOW - dt.timedelta(days=100)):
        a1 = licence_assign(user=user, pool=hvt)
        a2 = licence_assign(user=user, pool=general)
    sweep()
    event = DeactivationEvent.objects.get(user=user)
    assert event.last_activity == user.last_activity
    assert event.occurred_at == NOW
    assert event.run.source == SweepSources.COMMAND
    for assignment in (a1, a2):
        assignment.refresh_from_db()
        assert assignment.released_at == NOW
        assert assignment.release_reason == ReleaseReasons.IDLE
        assert assignment.deactivation_id == event.pk
    assert not LicenceAssignment.objects.filter(user=user, released_at__isnull=True).exists()
    audit = AuditEvent.objects.get(action=AuditActions.DEACTIVATE, object_id=str(user.pk))
    assert audit.object_type == "accounts.user" and audit.actor_username == "idle-sweep"
    assert audit.object_repr == user.username
    assert audit.changes == {"run": event.run_id, "by": "idle-sweep"} and audit.reason == "idle_40_days"


def test_idempotent_and_catches_up(idle_user):
    user = idle_user(80)  # the weekly runs were missed for weeks: the next run catches up
    first = sweep()
    second = sweep()
    assert first.deactivated == 1 and second.deactivated == 0
    assert DeactivationEvent.objects.filter(user=user).count() == 1
    assert not active(user)


def test_warning_sent_once_a_week_before(idle_user):
    user = idle_user(33, email="idle@test.invalid", first_name="Olena")
    not_yet = idle_user(32, email="fine@test.invalid")
    run = warn()
    assert run.warned == 1 and run.deactivated == 0
    assert [m.to for m in mail.outbox] == [["idle@test.invalid"]]
    message = mail.outbox[0]
    assert "gedeactiveerd" in message.subject
    # Last activity 29 December 2025 (Brussels) → deactivated on 7 February 2026 without a login.
    assert "29-12-2025" in message.body and "07-02-2026" in message.body and "Olena" in message.body
    # The next days (the job is daily): no second mail for the same idle period.
    for day in range(1, 7):
        warn(NOW + dt.timedelta(days=day))
    assert len(mail.outbox) == 2  # the 32-day user was warned once, a day later
    assert IdleWarning.objects.filter(user=user).count() == 1
    assert IdleWarning.objects.filter(user=not_yet).count() == 1
    assert active(user)
    # Seven days after the warning: deactivated by the sweep.
    sweep(NOW + dt.timedelta(days=7))
    assert not active(user)


def test_warning_again_after_new_activity(idle_user):
    user = idle_user(35, email="back@test.invalid")
    warn()
    user.last_activity = NOW
    user.save()
    warn(NOW + dt.timedelta(days=34))
    assert len(mail.outbox) == 2
    assert IdleWarning.objects.filter(user=user).count() == 2


def test_users_without_email_are_not_mailed(idle_user):
    idle_user(35, email="")
    run = warn()
    assert run.warned == 0 and mail.outbox == []


def test_the_sweep_sends_no_warnings(idle_user):
    """Warnings are their own job: the sweep only deactivates."""
    idle_user(35, email="soon@test.invalid")
    idle = idle_user(45, email="idle@test.invalid")
    run = sweep()
    assert run.deactivated == 1 and run.warned == 0
    assert mail.outbox == [] and not IdleWarning.objects.exists()
    assert not active(idle)


def test_the_sweep_deactivates_when_warnings_never_ran(idle_user, pool):
    """40 idle days deactivate, warned or not: the warning is a courtesy, not a condition."""
    user = idle_user(38, email="never@test.invalid")
    hvt = pool()
    with clock.frozen(NOW - dt.timedelta(days=100)):
        assignment = licence_assign(user=user, pool=hvt)
    run = sweep(NOW + dt.timedelta(days=2))  # day 40, the warning job never ran
    assert run.deactivated == 1 and not active(user)
    assert not IdleWarning.objects.filter(user=user).exists() and mail.outbox == []
    assignment.refresh_from_db()
    assert assignment.released_at is not None and assignment.release_reason == ReleaseReasons.IDLE


def test_a_deactivated_user_gets_no_warning_afterwards(idle_user):
    user = idle_user(38, email="gone@test.invalid")
    sweep(NOW + dt.timedelta(days=2))
    assert not active(user)
    for day in range(2, 12):
        assert warn(NOW + dt.timedelta(days=day)).warned == 0
    # Also not a user deactivated while inside the warning window (e.g. by hand).
    other = idle_user(34, email="off@test.invalid")
    User.objects.filter(pk=other.pk).update(is_active=False)
    assert warn().warned == 0
    assert mail.outbox == [] and not IdleWarning.objects.exists()


def test_daily_warnings_come_a_week_before_the_weekly_sweep(idle_user):
    """Three weeks of both jobs at their default times (warnings daily 07:00, sweep Mondays 06:00):
    everyone deactivated was warned at least 7 Brussels days before, also those who passed 33 idle
    days between two sweeps."""
    users = [idle_user(days, email=f"u{days}@test.invalid") for days in range(20, 33)]
    start = dt.datetime.combine(clock.brussels_date(NOW), dt.time(0, 0), tzinfo=clock.BRUSSELS)
    for day in range(22):
        date = start + dt.timedelta(days=day)
        if date.weekday() == 0:
            sweep(date.replace(hour=6))
        warn(date.replace(hour=7))
    events = DeactivationEvent.objects.filter(user__in=users)
    assert events.count() >= 7  # those idle 26+ days at the start passed 40 within the three weeks
    for event in events:
        warning = IdleWarning.objects.get(user_id=event.user_id, last_activity=event.last_activity)
        assert (clock.brussels_date(event.occurred_at) - clock.brussels_date(warning.sent_at)).days >= 7
    assert len(mail.outbox) == len(users)  # every user once, none twice


def test_warnings_run_is_audited(idle_user):
    user = idle_user(35, email="a@test.invalid")
    run = warn()
    event = AuditEvent.objects.get(object_type="licensing.sweeprun", object_id=str(run.pk))
    assert event.reason == "idle_warnings" and event.changes["warned"] == 1 and event.changes["job"] == "warnings"
    assert AuditEvent.objects.filter(reason="idle_warning", object_id=str(user.pk), actor_username="idle-sweep").count() == 1


def test_run_is_audited(idle_user):
    idle_user(50)
    run = sweep()
    event = AuditEvent.objects.get(object_type="licensing.sweeprun", object_id=str(run.pk))
    assert event.changes["deactivated"] == 1 and event.changes["job"] == "deactivation"
    assert event.reason == "idle_sweep" and event.actor_username == "idle-sweep"
    assert event.object_repr == str(run)
    assert run.pk and SweepRun.objects.get(pk=run.pk).deactivated == 1


def test_user_switched_back_on_without_login_is_swept_again(idle_user):
    user = idle_user(50)
    sweep()
    User.objects.filter(pk=user.pk).update(is_active=True)  # e.g. the user admin's checkbox, no new login
    run = sweep(NOW + dt.timedelta(days=7))
    assert run.deactivated == 1 and not active(user)
    assert DeactivationEvent.objects.filter(user=user).count() == 2
