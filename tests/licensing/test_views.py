import datetime as dt

import pytest
from django.core.management import call_command

from accounts.constants import Roles
from accounts.models import User
from audit.constants import AuditActions
from audit.models import AuditEvent
from core import clock
from licensing.constants import SweepSources
from licensing.models import LicenceAssignment
from licensing.services import licence_assign, users_idle_sweep
from tests.licensing.conftest import NOW

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def enforce(settings):
    settings.LICENCE_ENFORCEMENT = True


# --- "A user without a licence for a tool cannot use that tool" --------------------------------


def test_no_hvt_licence_shows_whom_to_ask(enforce, login, make_user):
    make_user(Roles.SUPPORT, username="helpdesk", email="support@test.invalid", first_name="Sam", last_name="Support")
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    response = login(officer).get("/hvt/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "U hebt geen licentie voor HVT" in body
    assert "support@test.invalid" in body and "Vraag een licentie aan bij support" in body


def test_with_a_licence_the_tool_is_reachable(enforce, login, make_user, pool):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    licence_assign(user=officer, pool=pool())
    response = login(officer).get("/hvt/")
    assert "geen licentie" not in response.content.decode()
    assert response.status_code != 403


def test_crt_needs_a_crt_licence_not_an_hvt_one(enforce, login, make_user, pool):
    manager = make_user(Roles.CRT_CASE_MANAGER)
    from core import clock
    from licensing.models import LicenceAssignment

    hvt = pool()  # HVT full: the wrong tool (a licence of before the pool had to fit the role)
    LicenceAssignment.objects.create(user=manager, pool=hvt, tool=hvt.tool, assigned_at=clock.now())
    client = login(manager)
    assert client.get("/crt/").status_code == 403
    licence_assign(user=manager, pool=pool("crt", "limited", "crt_case_managers"))
    assert "geen licentie" not in client.get("/crt/").content.decode()


def test_released_licence_closes_the_tool(enforce, login, make_user, pool):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    assignment = licence_assign(user=officer, pool=pool())
    client = login(officer)
    assert client.get("/hvt/").status_code != 403
    from licensing.services import licence_release

    licence_release(assignment=assignment)
    assert client.get("/hvt/").status_code == 403


def test_pages_outside_the_tools_need_no_licence(enforce, login, make_user):
    client = login(make_user(Roles.HVT_COORDINATOR))
    assert client.get("/").status_code == 200


def test_the_check_costs_at_most_one_query(enforce, login, make_user, pool, django_assert_max_num_queries):
    from django.test import RequestFactory

    from licensing.middleware import LicenceRequiredMiddleware

    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    licence_assign(user=officer, pool=pool())
    officer = User.objects.get(pk=officer.pk)
    request = RequestFactory().get("/hvt/")
    request.user = officer
    middleware = LicenceRequiredMiddleware(lambda r: "passed")
    with django_assert_max_num_queries(1):
        assert middleware(request) == "passed"
        assert middleware(request) == "passed"  # memoised on the user for the rest of the request


# --- Licence pages ---------------------------------------------------------------------------------


def test_overview_reproduces_the_2024_plan(login, make_user):
    response = login(make_user(Roles.HVT_SECURITY_AUDITOR)).get("/licenties/?plan=2024")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.total.full, report.total.limited, report.total.total) == (250, 160, 410)
    assert report.portal_seats == 50
    body = response.content.decode()
    assert "Totaal benoemde licenties" in body and "410" in body
    assert "Licentie toekennen" not in body  # the auditor changes nothing
    assert "Licentie toekennen" in login(make_user(Roles.SUPPORT)).get("/licenties/").content.decode()


def test_support_assigns_a_licence_through_the_page(login, make_user, pool):
    support = make_user(Roles.SUPPORT)
    target = make_user(username="nieuwe-collega")
    hvt = pool()
    response = login(support).post("/licenties/toewijzen/", {"username": "nieuwe-collega", "pool": hvt.pk}, follow=True)
    assert response.status_code == 200
    assert LicenceAssignment.objects.filter(user=target, pool=hvt, released_at__isnull=True).exists()
    assert "Licentie toegekend aan nieuwe-collega" in response.content.decode()
    rows = response.context["per_organisation"]
    assert [(r["user__organisation__name"], r["tool"], r["count"]) for r in rows] == [(None, "hvt", 1)]


def test_full_pool_gives_a_clear_error_and_changes_nothing(login, make_user, pool):
    support = make_user(Roles.SUPPORT)
    small = pool("crt", "full", "crt_security_auditor")
    licence_assign(user=make_user(), pool=small)
    target = make_user(username="te-veel")
    response = login(support).post("/licenties/toewijzen/", {"username": "te-veel", "pool": small.pk}, follow=True)
    assert "Geen vrije licentie meer" in response.content.decode()
    assert not LicenceAssignment.objects.filter(user=target).exists()


def test_auditor_cannot_assign(login, make_user, pool):
    auditor = make_user(Roles.HVT_SECURITY_AUDITOR)
    target = make_user(username="x1")
    response = login(auditor).post("/licenties/toewijzen/", {"username": "x1", "pool": pool().pk})
    assert response.status_code == 403
    assert not LicenceAssignment.objects.filter(user=target).exists()


def test_municipal_officer_has_no_licence_page(login, make_user):
    assert login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])).get("/licenties/").status_code == 403


def test_technical_accounts_listed(login, make_user):
    make_user(username="koppeling-api", is_technical_account=True)
    body = login(make_user(Roles.SUPPORT)).get("/licenties/").content.decode()
    assert "Vrijgestelde technische accounts" in body and "koppeling-api" in body


def test_activity_page_history_upcoming_and_reactivation(login, make_user, idle_user, pool):
    gone = idle_user(45)
    soon = idle_user(31)
    with clock.frozen(NOW - dt.timedelta(days=60)):
        licence_assign(user=gone, pool=pool())
    with clock.frozen(NOW):
        users_idle_sweep(now=NOW, source=SweepSources.SCHEDULE)
        support = make_user(Roles.SUPPORT)
        client = login(support)
        response = client.get("/licenties/deactivaties/")
        assert response.context["history"]["total"] == 1
        assert [u.username for u in response.context["upcoming"]] == [soon.username]
        body = response.content.decode()
        assert "1 gebruiker gedeactiveerd sinds de start" in body and "januari 2026" in body
        response = client.post(f"/licenties/gebruikers/{gone.pk}/heractiveren/", follow=True)
    assert User.objects.get(pk=gone.pk).is_active
    assert LicenceAssignment.objects.filter(user=gone, released_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditActions.REACTIVATE, object_id=str(gone.pk)).exists()


def test_portal_logins_per_month_against_allowance(login, make_user):
    from audit.services import audit_log

    portal = make_user(Roles.PORTAL_USER)
    with clock.frozen(dt.datetime(2024, 5, 10, 9, 0, tzinfo=clock.BRUSSELS)):
        audit_log(actor=portal, action=AuditActions.LOGIN, obj=portal)
        audit_log(actor=portal, action=AuditActions.LOGIN, obj=portal)
    with clock.frozen(dt.datetime(2024, 6, 1, 0, 30, tzinfo=clock.BRUSSELS)):  # 31 May UTC, June in Brussels
        audit_log(actor=portal, action=AuditActions.LOGIN, obj=portal)
    with clock.frozen(dt.datetime(2024, 8, 1, 12, 0, tzinfo=clock.BRUSSELS)):
        rows = login(make_user(Roles.HVT_COORDINATOR)).get("/licenties/deactivaties/").context["portal_logins"]
    assert [(r["month"].month, r["logins"], r["users"], r["allowance"]) for r in rows] == [(5, 2, 1, 50), (6, 1, 1, 50), (7, 0, 0, 50), (8, 0, 0, 50)]  # every month up to now


def test_demo_accounts_get_the_licences_they_need(enforce, login):
    from io import StringIO

    from accounts import demo as accounts_demo
    from licensing import demo

    accounts_demo.seed(StringIO())
    demo.seed(StringIO())
    demo.seed(StringIO())  # idempotent
    officer = User.objects.get(username="demo-hvt_municipal_full")
    assert LicenceAssignment.objects.filter(user=officer, released_at__isnull=True).get().pool.licence_type == "full"
    limited = User.objects.get(username="demo-hvt_municipal_limited")
    assert LicenceAssignment.objects.get(user=limited, released_at__isnull=True).pool.licence_type == "limited"
    assert LicenceAssignment.objects.filter(user__username="demo-crt_case_manager", tool="crt").exists()
    assert LicenceAssignment.objects.filter(released_at__isnull=True).count() == 11
    assert User.objects.get(username="demo-technische-koppeling").is_technical_account
    from licensing.models import DeactivationEvent
    from licensing.selectors import deactivation_history

    assert DeactivationEvent.objects.count() == 460  # history for the report; idempotent
    history = deactivation_history()
    assert history["total"] == 460 and len(history["per_month"]) > 24
    assert login(officer).get("/hvt/").status_code != 403


# --- The command ------------------------------------------------------------------------------------


def test_command_dry_run_changes_nothing(idle_user, capsys):
    user = idle_user(45)
    warned = idle_user(35, email="w@test.invalid")
    before = AuditEvent.objects.count()
    call_command("sweep_inactive_users", "--dry-run", "--now", "2026-01-31T06:00")
    out = capsys.readouterr().out
    assert f"would deactivate {user.username}" in out and f"would warn {warned.username}" in out
    assert "1 would be deactivated, 1 warned. Nothing changed." in out
    assert User.objects.get(pk=user.pk).is_active
    assert AuditEvent.objects.count() == before


def test_command_runs_the_sweep(idle_user, capsys, mailoutbox):
    user = idle_user(45)
    call_command("sweep_inactive_users", "--now", "2026-01-31T06:00")
    out = capsys.readouterr().out
    assert f"deactivated {user.username}" in out and "1 deactivated, 0 warned" in out
    assert not User.objects.get(pk=user.pk).is_active


def test_command_runs_the_sweep_then_the_warnings_due(idle_user, capsys, mailoutbox):
    """As the weekly job: deactivation, then the warnings that are due; --no-warnings deactivates only."""
    soon = idle_user(35, email="soon@test.invalid")
    idle = idle_user(45)
    call_command("sweep_inactive_users", "--no-warnings", "--now", "2026-01-31T06:00")
    out = capsys.readouterr().out
    assert f"deactivated {idle.username}" in out and "1 deactivated, 0 warned" in out and mailoutbox == []
    call_command("sweep_inactive_users", "--now", "2026-01-31T06:00")
    out = capsys.readouterr().out
    assert f"warned {soon.username} (deactivation on 2026-02-05)" in out and "0 deactivated, 1 warned" in out
    assert [m.to for m in mailoutbox] == [["soon@test.invalid"]]


def test_warning_command_warns_only(idle_user, capsys, mailoutbox):
    soon = idle_user(35, email="soon@test.invalid")
    idle = idle_user(45)
    call_command("warn_idle_users", "--dry-run", "--now", "2026-01-31T07:00")
    out = capsys.readouterr().out
    assert f"would warn {soon.username}" in out and "1 would be warned. Nothing changed." in out and mailoutbox == []
    call_command("warn_idle_users", "--now", "2026-01-31T07:00")
    out = capsys.readouterr().out
    assert f"warned {soon.username}" in out and "1 warned." in out
    assert [m.to for m in mailoutbox] == [["soon@test.invalid"]]
    assert User.objects.get(pk=idle.pk).is_active  # the warning job never deactivates
    call_command("warn_idle_users", "--now", "2026-02-01T07:00")
    assert "0 warned." in capsys.readouterr().out and len(mailoutbox) == 1  # once per idle period


def test_command_rejects_a_bad_now():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_inactive_users", "--now", "31/01/2026")


def test_pages_are_translated_to_english(enforce, login, make_user):
    client = login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]))
    client.cookies["django_language"] = "en"
    body = client.get("/hvt/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have no licence for HVT" in body


def test_portal_users_need_no_named_licence_for_the_portal(enforce, login, make_user):
    client = login(make_user(Roles.PORTAL_USER))
    offers = client.get("/hvt/aanbod/")
    assert offers.status_code == 200 and "geen licentie" not in offers.content.decode()
    assert client.get("/hvt/").status_code == 302  # the HVT index sends portal users to their offers
    assert "U hebt geen licentie voor HVT" in client.get("/hvt/plaatsen/").content.decode()


def test_no_portal_role_no_portal_pages(enforce, login, make_user):
    client = login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]))
    response = client.get("/hvt/aanbod/")
    assert response.status_code == 403 and "U hebt geen licentie voor HVT" in response.content.decode()


def test_hvt_api_needs_a_licence_with_a_session(enforce, login, make_user, pool):
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    client = login(officer)
    refused = client.get("/api/v1/hvt/places/")
    assert refused.status_code == 403 and refused.json()["detail"] == "Geen licentie voor deze tool."
    licence_assign(user=officer, pool=pool())
    assert client.get("/api/v1/hvt/places/").status_code == 200


def test_drf_permission_covers_token_requests(enforce, make_user, pool):
    # Called directly: a refused APIView would mark the test's transaction for rollback (DRF set_rollback).
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from licensing.api_permissions import HasToolLicence

    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    factory = APIRequestFactory()

    def allowed(path):
        request = Request(factory.get(path))
        request.user = User.objects.get(pk=officer.pk)  # as TokenAuthentication would set it
        return HasToolLicence().has_permission(request, None)

    assert allowed("/api/v1/hvt/places/") is False
    assert allowed("/api/v1/budget/") is True  # not a tool API
    licence_assign(user=officer, pool=pool())
    assert allowed("/api/v1/hvt/places/") is True


def test_hvt_api_refuses_a_token_user_without_licence(enforce, make_user, pool):
    from rest_framework.test import APIClient

    from tests.factories import make_api_token

    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_api_token(officer)}")
    refused = api.get("/api/v1/hvt/places/")
    assert refused.status_code == 403
    assert "licentie" in refused.json()["detail"]
    licence_assign(user=officer, pool=pool())
    assert api.get("/api/v1/hvt/places/").status_code == 200


def test_every_licence_page_uses_core_access_with_a_403():
    """``core.access.access_required(..., deny_with=Deny.FORBIDDEN)``, like the HVT pages."""
    from django.urls import URLResolver, get_resolver

    from core.access import Deny

    views = [
        (f"licensing:{p.name}", p.callback)
        for r in get_resolver().url_patterns
        if isinstance(r, URLResolver) and r.namespace == "licensing"
        for p in r.url_patterns
    ]
    assert views
    assert all(getattr(view, "access_deny", None) is Deny.FORBIDDEN for _name, view in views), views
