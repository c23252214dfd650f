import datetime as dt

import pytest

from accounts.constants import Roles
from licensing.models import LicenceAssignment
from licensing.services import licence_assign

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def support(make_user):
    return make_user(Roles.SUPPORT, username="support-admin", is_staff=True)


def test_admin_assigns_through_the_service(login, support, make_user, pool):
    target = make_user(username="admin-target")
    hvt = pool()
    response = login(support).post(
        "/beheer/licensing/licenceassignment/add/", {"user": target.pk, "pool": hvt.pk}, follow=True
    )
    assert response.status_code == 200
    assignment = LicenceAssignment.objects.get(user=target)
    assert assignment.pool == hvt and assignment.tool == "hvt" and assignment.assigned_by == support


def test_admin_refuses_a_full_pool_with_the_reason(login, support, make_user, pool):
    small = pool("crt", "full", "crt_security_auditor")
    licence_assign(user=make_user(), pool=small)
    target = make_user(username="admin-too-many")
    response = login(support).post("/beheer/licensing/licenceassignment/add/", {"user": target.pk, "pool": small.pk})
    assert response.status_code == 200  # the form again, with the error
    assert "Geen vrije licentie meer" in response.content.decode()
    assert not LicenceAssignment.objects.filter(user=target).exists()


def test_admin_releases_selected(login, support, make_user, pool):
    assignment = licence_assign(user=make_user(), pool=pool())
    login(support).post(
        "/beheer/licensing/licenceassignment/",
        {"action": "release_selected", "_selected_action": [assignment.pk]},
    )
    assignment.refresh_from_db()
    assert assignment.released_at is not None and assignment.release_reason == "manual"


def test_auditor_sees_but_cannot_add(login, make_user):
    auditor = make_user(Roles.HVT_SECURITY_AUDITOR, is_staff=True)
    client = login(auditor)
    changelist = client.get("/beheer/licensing/licencepool/")
    assert changelist.status_code == 200
    assert changelist.context["has_add_permission"] is False  # no "add" button for the auditor
    assert "/beheer/licensing/licencepool/add/" not in changelist.content.decode()
    assert client.get("/beheer/licensing/licenceassignment/add/").status_code == 403


def test_enforcement_is_on_outside_the_test_settings():
    from config.settings import base

    assert getattr(base, "LICENCE_ENFORCEMENT", True) is True
    assert "licensing.middleware.LicenceRequiredMiddleware" in base.MIDDLEWARE
    assert base.MIDDLEWARE.index("licensing.middleware.LicenceRequiredMiddleware") == (
        base.MIDDLEWARE.index("accounts.middleware.RequireTwoFactorMiddleware") + 1
    )


def _pool_form(pool, **changes):
    data = {
        "period": pool.period_id, "tool": pool.tool, "licence_type": pool.licence_type, "group": pool.group,
        "seats": pool.seats, "unit_price": str(pool.unit_price),
    }
    return {**data, **changes}


def test_admin_saves_a_pool_through_the_service_audited(login, support, pool):
    from audit.models import AuditEvent

    hvt = pool()
    response = login(support).post(f"/beheer/licensing/licencepool/{hvt.pk}/change/", _pool_form(hvt, seats=hvt.seats + 5))
    assert response.status_code == 302
    hvt.refresh_from_db()
    event = AuditEvent.objects.filter(object_id=str(hvt.pk), action="update").latest("pk")
    assert event.changes["seats"] == [hvt.seats - 5, hvt.seats] and event.actor_id == support.pk


def test_admin_pool_refusal_of_the_service_shows_on_the_form(login, support, make_user, pool):
    hvt = pool()
    licence_assign(user=make_user(), pool=hvt)
    from licensing.services import licence_plan_set

    other_period = licence_plan_set(code="2031", name="Plan 2031", starts_on=dt.date(2031, 1, 1), ends_on=dt.date(2031, 12, 31))
    response = login(support).post(
        f"/beheer/licensing/licencepool/{hvt.pk}/change/", _pool_form(hvt, period=other_period.pk)
    )
    assert response.status_code == 200
    assert "De pool heeft al licenties toegekend" in response.content.decode()
    hvt.refresh_from_db()
    assert hvt.period_id != other_period.pk


def test_admin_saves_a_plan_through_the_service_audited(login, support):
    from audit.models import AuditEvent
    from licensing.models import PlanPeriod

    response = login(support).post(
        "/beheer/licensing/planperiod/add/", {"code": "2031", "name": "Plan 2031", "starts_on": "2031-01-01", "ends_on": "2031-12-31"}
    )
    assert response.status_code == 302
    plan = PlanPeriod.objects.get(code="2031")
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="create", actor_id=support.pk).exists()
