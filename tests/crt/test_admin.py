import pytest
from django.urls import reverse

from audit.constants import AuditActions
from crt.constants import CrtRoles
from crt.models import AuditEvent, Dossier, Transfer

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _field_errors(response, field: str) -> str:
    """The messages the admin form shows next to ``field``."""
    return " ".join(str(e) for e in response.context_data["adminform"].form.errors.get(field, []))


@pytest.fixture
def central_admin(make_user):
    return make_user(CrtRoles.CENTRAL_ADMIN, username="crt-central")


@pytest.fixture
def auditor(make_user):
    return make_user(CrtRoles.SECURITY_AUDITOR, username="crt-auditor")


def test_central_admin_sees_all_dossiers_and_audits_opening(client, login, central_admin, register, other_org,
                                                           other_case_manager):
    a = register()
    b = register(actor=other_case_manager, organisation=other_org, first_name="Ivan")
    login(central_admin)
    body = client.get(reverse("crt_admin:crt_dossier_changelist")).content.decode()
    assert a.number in body and b.number in body
    response = client.get(reverse("crt_admin:crt_dossier_change", args=[a.pk]))
    assert response.status_code == 200
    assert "85073003" not in response.content.decode()  # never the number
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.VIEW, object_id=str(a.pk),
                                                  actor_id=central_admin.pk).exists()


def test_central_admin_transfers_a_dossier(client, login, central_admin, register, other_org):
    dossier = register()
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_transfer_add"),
                           {"dossier": dossier.pk, "to_organisation": other_org.pk, "reason": "Verhuisd naar Gent"})
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.organisation == other_org
    transfer = Transfer.objects.using("crt").get()
    assert transfer.from_organisation.code == "atlas" and transfer.transferred_by_id == central_admin.pk
    # Same organisation again: a form error, nothing stored.
    response = client.post(reverse("crt_admin:crt_transfer_add"),
                           {"dossier": dossier.pk, "to_organisation": other_org.pk, "reason": "nogmaals"})
    assert response.status_code == 200 and "hoort al bij deze organisatie" in response.content.decode()
    assert Transfer.objects.using("crt").count() == 1


def test_central_admin_manages_role_assignments(client, login, central_admin, case_manager):
    login(central_admin)
    response = client.get(reverse("crt_admin:crt_roleassignment_changelist"))
    assert response.status_code == 200 and "cm-atlas" in response.content.decode()
    response = client.get(reverse("crt_admin:crt_organisation_changelist"))
    assert response.status_code == 200 and "Atlas" in response.content.decode()


def test_auditor_reads_the_trail_and_changes_nothing(client, login, auditor, register):
    dossier = register()
    login(auditor)
    body = client.get(reverse("crt_admin:crt_auditevent_changelist")).content.decode()
    assert "cm-atlas" in body
    event = AuditEvent.objects.using("crt").first()
    response = client.get(reverse("crt_admin:crt_auditevent_change", args=[event.pk]))
    assert response.status_code == 200 and event.object_repr in response.content.decode()
    assert client.post(reverse("crt_admin:crt_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("crt_admin:crt_dossier_changelist")).status_code == 403
    assert client.post(reverse("crt_admin:crt_transfer_add"), {"dossier": dossier.pk}).status_code == 403
    assert Dossier.objects.using("crt").get().organisation.code == "atlas"


def test_central_admin_grants_a_crt_role_with_audit(client, login, central_admin, make_user, org):
    from crt.models import RoleAssignment
    from crt.realm import user_has_crt_role

    newcomer = make_user(None, username="nieuwe-dossierbeheerder")
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": 999999, "role": "crt_case_manager", "organisation": org.pk})
    assert response.status_code == 200 and "Er is geen gebruiker met dit id." in response.content.decode()
    # An inactive user: crt_role_assign refuses, and its message shows next to the user field.
    sleeper = make_user(None, username="slapende-gebruiker", is_active=False)
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": sleeper.pk, "role": "crt_reporting", "organisation": ""})
    assert response.status_code == 200
    assert "Deze gebruiker is niet actief" in _field_errors(response, "user_id")
    assert not RoleAssignment.objects.using("crt").filter(user_id=sleeper.pk).exists()
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": newcomer.pk, "role": "crt_case_manager", "organisation": ""})
    assert response.status_code == 200  # a case manager needs an organisation (model constraint)
    assert not RoleAssignment.objects.using("crt").filter(user_id=newcomer.pk).exists()
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": newcomer.pk, "role": "crt_case_manager", "organisation": org.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.using("crt").get(user_id=newcomer.pk)
    assert assignment.username == "nieuwe-dossierbeheerder" and assignment.created_by_id == central_admin.pk
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.ROLE_ASSIGNED, actor_id=central_admin.pk).exists()
    newcomer.refresh_from_db()
    assert user_has_crt_role(newcomer, "crt_case_manager")


def test_admin_grant_follows_the_full_licence_rule_and_revoke_is_audited(client, login, central_admin, make_user):
    from crt.models import RoleAssignment
    from licensing.models import LicencePool, PlanPeriod
    from licensing.services import licence_assign

    holder = make_user(None, username="beperkte-licentie")
    period = PlanPeriod.objects.create(code="t-crt", name="Test", starts_on="2020-01-01", ends_on="2099-12-31")
    pool = LicencePool.objects.create(period=period, tool="crt", licence_type="limited", group="crt_case_managers", seats=5)
    licence_assign(user=holder, pool=pool)
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": holder.pk, "role": "crt_central_admin", "organisation": ""})
    assert response.status_code == 200 and "volledige licentie" in response.content.decode()
    assert not RoleAssignment.objects.using("crt").filter(user_id=holder.pk).exists()

    response = client.post(reverse("crt_admin:crt_roleassignment_add"),
                           {"user_id": holder.pk, "role": "crt_reporting", "organisation": ""})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.using("crt").get(user_id=holder.pk)
    response = client.post(reverse("crt_admin:crt_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.using("crt").filter(user_id=holder.pk).exists()
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.ROLE_REVOKED, actor_id=central_admin.pk).exists()


def test_transfer_form_shows_the_services_refusal_and_stores_nothing(client, login, central_admin, register, other_org):
    """The rules live in dossier_transfer only; the admin form shows its message on the field."""
    dossier = register()
    other_org.is_active = False
    other_org.save(using="crt")
    login(central_admin)
    events = AuditEvent.objects.using("crt").count()
    response = client.post(reverse("crt_admin:crt_transfer_add"),
                           {"dossier": dossier.pk, "to_organisation": other_org.pk, "reason": "Verhuisd"})
    assert response.status_code == 200
    assert _field_errors(response, "to_organisation") == "Deze organisatie is niet actief."
    assert not Transfer.objects.using("crt").exists()
    assert AuditEvent.objects.using("crt").count() == events  # no transfer, no admin log
    dossier.refresh_from_db()
    assert dossier.organisation.code == "atlas"


def test_a_refused_role_change_keeps_the_old_grant(client, login, central_admin, make_user):
    """Changing a grant revokes the old role, then grants the new one: all or nothing."""
    from crt.models import RoleAssignment
    from licensing.models import LicencePool, PlanPeriod
    from licensing.services import licence_assign

    holder = make_user(CrtRoles.REPORTING, username="rapporteur-beperkt")
    period = PlanPeriod.objects.create(code="t-crt2", name="Test", starts_on="2020-01-01", ends_on="2099-12-31")
    pool = LicencePool.objects.create(period=period, tool="crt", licence_type="limited", group="crt_reporting", seats=5)
    licence_assign(user=holder, pool=pool)
    assignment = RoleAssignment.objects.using("crt").get(user_id=holder.pk)
    login(central_admin)
    response = client.post(reverse("crt_admin:crt_roleassignment_change", args=[assignment.pk]),
                           {"user_id": holder.pk, "role": "crt_central_admin", "organisation": ""})
    assert response.status_code == 200 and "volledige licentie" in response.content.decode()
    assert list(RoleAssignment.objects.using("crt").filter(user_id=holder.pk).values_list("role", flat=True)) == [
        "crt_reporting"]
    assert not AuditEvent.objects.using("crt").filter(action=AuditActions.ROLE_REVOKED).exists()
