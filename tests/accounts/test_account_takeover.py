"""Issue 10, finding 1: support or a coordinator could take over any account. Each test plays the
attack as an outsider with a demo account would (POST the admin forms, try the URLs) and checks
that it no longer gets through; the authority table is accounts.authority."""

import re

import pytest
from django.contrib.auth.hashers import check_password

from accounts import authority
from accounts.constants import Roles
from accounts.models import RoleAssignment, User
from audit.constants import AuditActions
from audit.models import AuditEvent
from licensing.models import LicenceAssignment, LicencePool
from licensing.services import licence_assign
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

CHANGELIST = "/beheer/accounts/user/"


@pytest.fixture
def support(login):
    user = make_user(Roles.SUPPORT, username="support-attacker", is_staff=True)
    return user, login(user)


@pytest.fixture
def coordinator(login):
    user = make_user(Roles.HVT_COORDINATOR, username="coordinator-attacker", is_staff=True)
    return user, login(user)


def _superuser(**fields):
    return make_user(None, username="the-superuser", is_staff=True, is_superuser=True, **fields)


def _inline(user) -> dict:
    """The (read-only) role inline's management form, which a real browser posts with the user form."""
    ids = list(user.role_assignments.values_list("pk", flat=True))
    data = {"role_assignments-TOTAL_FORMS": len(ids), "role_assignments-INITIAL_FORMS": len(ids),
            "role_assignments-MIN_NUM_FORMS": 0, "role_assignments-MAX_NUM_FORMS": 1000}
    for i, pk in enumerate(ids):
        data |= {f"role_assignments-{i}-id": pk, f"role_assignments-{i}-user": user.pk}
    return data


def _action(client, action, *users):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [u.pk for u in users]})


# --- nobody sets another person's password --------------------------------------------------------


@pytest.mark.parametrize("actor", ["support", "coordinator"])
@pytest.mark.parametrize("victim_kind", ["superuser", "crt_case_manager", "officer"])
def test_the_admin_password_form_sets_nobodys_password(request, actor, victim_kind):
    _actor, client = request.getfixturevalue(actor)
    victim = {
        "superuser": _superuser,
        "crt_case_manager": lambda: make_user(Roles.CRT_CASE_MANAGER, username="victim-cm"),
        "officer": lambda: make_user(Roles.HVT_MUNICIPAL_FULL, username="victim-officer", municipalities=["44021"]),
    }[victim_kind]()
    url = f"{CHANGELIST}{victim.pk}/password/"
    assert client.get(url).status_code in (302, 403, 404)
    response = client.post(url, {"password1": "Overgenomen-2024!", "password2": "Overgenomen-2024!", "usable_password": "true"})
    assert response.status_code in (302, 403, 404)
    victim.refresh_from_db()
    assert check_password(TEST_PASSWORD, victim.password)
    assert not check_password("Overgenomen-2024!", victim.password)


def test_the_superuser_cannot_set_a_password_either(login):
    client = login(_superuser())
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    response = client.post(f"{CHANGELIST}{officer.pk}/password/", {"password1": "Overgenomen-2024!", "password2": "Overgenomen-2024!"})
    assert response.status_code == 403
    officer.refresh_from_db()
    assert check_password(TEST_PASSWORD, officer.password)


def test_the_change_form_offers_a_reset_link_not_a_password(support):
    _user, client = support
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    response = client.get(f"{CHANGELIST}{officer.pk}/change/")
    body = response.content.decode()
    assert "password" not in response.context["adminform"].form.fields
    assert "/password/" not in body
    assert 'value="send_password_reset"' in body and "Stuur herstellink" in body


def test_the_reset_link_goes_to_the_users_own_address_and_is_audited(support, mailoutbox, caplog):
    actor, client = support
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], email="officer@gent.invalid")
    response = _action(client, "send_password_reset", officer)
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["officer@gent.invalid"]]
    link = re.search(r"http://testserver(/account/wachtwoord-herstellen/\S+/)", mailoutbox[0].body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    event = AuditEvent.objects.get(reason="password_reset_link_sent", object_id=str(officer.pk))
    assert event.actor_id == actor.pk and event.object_type == "accounts.user"
    assert token not in str(event.changes) + event.object_repr + event.reason
    assert token not in caplog.text
    # The support user never sees or sets a password; the officer chooses one through the link.
    officer.refresh_from_db()
    assert check_password(TEST_PASSWORD, officer.password)


def test_support_sends_no_reset_link_to_a_superuser_staff_or_coordinator(support, mailoutbox):
    _actor, client = support
    targets = [
        _superuser(email="root@test.invalid"),
        make_user(None, username="staff-only", is_staff=True, email="staff@test.invalid"),
        make_user(Roles.HVT_COORDINATOR, username="a-coordinator", email="coord@test.invalid"),
        make_user(Roles.SUPPORT, username="other-support", email="support2@test.invalid"),
    ]
    _action(client, "send_password_reset", *targets)
    _action(client, "reset_second_factor", *targets)
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(reason__in=["password_reset_link_sent", "otp_reset"]).exists()


# --- changes only below one's own authority --------------------------------------------------------


def test_support_cannot_change_a_superuser_or_a_coordinator(support):
    _actor, client = support
    for target in (_superuser(), make_user(Roles.HVT_COORDINATOR, username="coord-x", is_staff=True)):
        page = client.get(f"{CHANGELIST}{target.pk}/change/")
        assert page.status_code == 200  # read-only view
        assert page.context["has_change_permission"] is False
        response = client.post(f"{CHANGELIST}{target.pk}/change/", {
            "username": target.username, "email": "attacker@evil.invalid", "first_name": "", "last_name": "",
            "is_active": "on", **_inline(target),
        })
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.email != "attacker@evil.invalid"


def test_support_cannot_tick_is_staff_or_is_superuser(support):
    _actor, client = support
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    fields = set(client.get(f"{CHANGELIST}{officer.pk}/change/").context["adminform"].form.fields)
    assert not fields & {"is_staff", "is_superuser", "groups", "user_permissions"}
    response = client.post(f"{CHANGELIST}{officer.pk}/change/", {
        "username": officer.username, "email": officer.email, "first_name": "", "last_name": "",
        "is_active": "on", "is_staff": "on", "is_superuser": "on", **_inline(officer),
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    officer.refresh_from_db()
    assert officer.is_staff is False and officer.is_superuser is False


def test_support_cannot_make_itself_or_anyone_coordinator(support):
    actor, client = support
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"])
    for target in (actor, officer):
        response = client.post("/beheer/accounts/roleassignment/add/", {"user": target.pk, "role": Roles.HVT_COORDINATOR})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(role=Roles.HVT_COORDINATOR).exists()
    # Nor any role for itself, and nothing for a coordinator.
    coordinator = make_user(Roles.HVT_COORDINATOR, username="coord-y", is_staff=True)
    for target in (actor, coordinator):
        response = client.post("/beheer/accounts/roleassignment/add/",
                               {"user": target.pk, "role": Roles.HVT_MUNICIPAL_FULL, "municipalities": ["44021"]})
        assert response.status_code == 200
        assert "niet beheren" in str(response.context["adminform"].form.errors)
        assert not RoleAssignment.objects.filter(user=target, role=Roles.HVT_MUNICIPAL_FULL).exists()


def test_support_cannot_take_away_a_coordinators_role(support):
    _actor, client = support
    coordinator = make_user(Roles.HVT_COORDINATOR, username="coord-z", is_staff=True)
    assignment = coordinator.role_assignments.get()
    response = client.post(f"/beheer/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_admin_grant_keeps_the_licence_rule(login):
    """A superuser grants through role_assign too: a limited-licence user cannot be made coordinator."""
    client = login(_superuser())
    user = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    licence_assign(user=user, pool=LicencePool.objects.get(period__code="2024", tool="hvt", licence_type="limited",
                                                           group="local_governments"))
    response = client.post("/beheer/accounts/roleassignment/add/", {"user": user.pk, "role": Roles.HVT_COORDINATOR})
    assert response.status_code == 200
    assert "volledige licentie" in str(response.context["adminform"].form.errors)
    assert not RoleAssignment.objects.filter(user=user, role=Roles.HVT_COORDINATOR).exists()
    assert LicenceAssignment.objects.filter(user=user, released_at__isnull=True).count() == 1


def test_a_grant_in_the_admin_goes_through_role_assign(coordinator):
    actor, client = coordinator
    officer = make_user()
    response = client.post("/beheer/accounts/roleassignment/add/",
                           {"user": officer.pk, "role": Roles.HVT_VLOT, "provinces": ["40000"]})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditActions.ROLE_ASSIGNED, changes__user=officer.username)
    assert event.actor_id == actor.pk and event.changes["provinces"] == ["40000"]
    assert list(officer.groups.values_list("name", flat=True)) == [Roles.HVT_VLOT]
    # A VLOT role without a province is refused with the service's own message.
    other = make_user()
    refused = client.post("/beheer/accounts/roleassignment/add/", {"user": other.pk, "role": Roles.HVT_VLOT})
    assert "minstens één provincie" in str(refused.context["adminform"].form.errors)


def test_a_new_account_gets_no_password_from_the_admin_but_a_link(support, mailoutbox):
    _actor, client = support
    response = client.post(f"{CHANGELIST}add/", {
        "username": "nieuwe-ambtenaar", "email": "nieuw@gent.invalid", "first_name": "Nina", "last_name": "Nieuw",
        "password1": "Door-support-gekozen-1", "password2": "Door-support-gekozen-1",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    user = User.objects.get(username="nieuwe-ambtenaar")
    assert not user.has_usable_password()
    assert not check_password("Door-support-gekozen-1", user.password)
    assert [m.to for m in mailoutbox] == [["nieuw@gent.invalid"]]
    assert "/account/wachtwoord-herstellen/" in mailoutbox[0].body


def test_crt_accounts_are_not_in_the_hvt_admin_for_anyone(login, mailoutbox):
    case_manager = make_user(Roles.CRT_CASE_MANAGER, username="crt-cm", email="cm@atlas.invalid")
    for actor in (_superuser(), make_user(Roles.SUPPORT, username="support-2", is_staff=True)):
        client = login(actor)
        listing = client.get(CHANGELIST)
        assert "crt-cm" not in listing.content.decode()
        assert client.get(f"{CHANGELIST}{case_manager.pk}/change/").status_code == 302  # "does not exist"
        _action(client, "send_password_reset", case_manager)
        _action(client, "reset_second_factor", case_manager)
        _action(client, "deactivate_selected", case_manager)
        assert authority.can_manage_user(actor, case_manager) is False
    assert mailoutbox == []
    case_manager.refresh_from_db()
    assert case_manager.is_active


def test_the_authority_table():
    superuser = _superuser()
    support = make_user(Roles.SUPPORT, username="s", is_staff=True)
    coordinator = make_user(Roles.HVT_COORDINATOR, username="c", is_staff=True)
    auditor = make_user(Roles.HVT_SECURITY_AUDITOR, username="a", is_staff=True)
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="o", municipalities=["44021"])
    portal = make_user(Roles.PORTAL_USER, username="p")
    technical = make_user(None, username="t", is_technical_account=True)
    crt_admin = make_user(Roles.CRT_CENTRAL_ADMIN, username="crt")
    for actor in (support, coordinator):
        assert [authority.can_manage_user(actor, t) for t in (superuser, support, coordinator, auditor, crt_admin)] == [False] * 5
        assert all(authority.can_manage_user(actor, t) for t in (officer, portal, technical))
        assert authority.grantable_roles(actor) == authority.HVT_MANAGED_ROLES
    assert all(authority.can_manage_user(superuser, t) for t in (support, coordinator, auditor, officer, technical))
    assert authority.can_manage_user(superuser, crt_admin) is False
    assert Roles.HVT_COORDINATOR in authority.grantable_roles(superuser)
    assert authority.grantable_roles(auditor) == frozenset() and authority.can_manage_user(auditor, officer) is False
    assert authority.can_manage_user(officer, portal) is False
    # The bulk form of the rule says the same.
    everyone = User.objects.filter(pk__in=[u.pk for u in (superuser, support, coordinator, auditor, officer, portal,
                                                          technical, crt_admin)])
    assert set(authority.manageable_users(support, everyone)) == {officer, portal, technical}
    assert set(authority.manageable_users(superuser, everyone)) == set(everyone) - {crt_admin}
