"""Demo organisations and one account per role code, named demo-<role code>."""

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import CRT_ROLES, INTEGRATION_AGENCIES, TWO_FACTOR_ROLES, OrganisationKinds, Roles
from accounts.models import Organisation, User
from accounts.services import role_assign
from geo.models import Municipality

GENT = "44021"
LIMBURG_THREE = ["71072", "71016", "73107"]  # Hasselt, Genk, Maasmechelen
OOST_VLAANDEREN = "40000"

# role → (organisation code, scope kwargs)
DEMO_ROLES = {
    Roles.HVT_MUNICIPAL_FULL: ("gent", {"municipalities": [GENT]}),
    Roles.HVT_MUNICIPAL_LIMITED: ("limburg-regio", {"municipalities": LIMBURG_THREE}),
    Roles.HVT_VLOT: ("vlot-oost-vlaanderen", {"provinces": [OOST_VLAANDEREN]}),
    Roles.HVT_SUBSIDY_COORDINATOR: ("centrale-coordinatie", {}),
    Roles.HVT_COORDINATOR: ("centrale-coordinatie", {}),
    Roles.HVT_SECURITY_AUDITOR: ("centrale-coordinatie", {}),
    Roles.SUPPORT: ("support", {}),
    Roles.PORTAL_USER: ("portaal-demo", {}),
}
STAFF_ROLES = {Roles.HVT_COORDINATOR, Roles.HVT_SECURITY_AUDITOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.SUPPORT}


def _organisations() -> dict[str, Organisation]:
    specs = [
        ("gent", "Stad Gent (demo)", OrganisationKinds.LOCAL_GOVERNMENT, None),
        ("limburg-regio", "Regionaal bestuur Limburg (demo)", OrganisationKinds.REGIONAL_GOVERNMENT, "70000"),
        ("vlot-oost-vlaanderen", "VLOT Oost-Vlaanderen (demo)", OrganisationKinds.VLOT_TEAM, OOST_VLAANDEREN),
        ("centrale-coordinatie", "Centrale coördinatie (demo)", OrganisationKinds.CENTRAL_COORDINATION, None),
        ("support", "Support en technisch beheer (demo)", OrganisationKinds.SUPPORT, None),
        ("portaal-demo", "Vzw Onderdak (demo-portaalorganisatie)", OrganisationKinds.PORTAL, None),
    ] + [(code, f"{name} (demo)", OrganisationKinds.INTEGRATION_AGENCY, None) for code, name in INTEGRATION_AGENCIES.items()]
    out = {}
    for code, name, kind, province in specs:
        out[code], _ = Organisation.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "province_id": province}
        )
    return out


def demo_user(role: str, organisation: Organisation) -> User:
    user, created = User.objects.get_or_create(
        username=f"demo-{role}",
        defaults={"first_name": "Demo", "last_name": str(Roles(role).label), "email": f"demo-{role}@demo.invalid"},
    )
    user.organisation = organisation
    user.is_staff = role in STAFF_ROLES
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    if role in TWO_FACTOR_ROLES:
        TOTPDevice.objects.update_or_create(
            user=user, name="demo", defaults={"key": settings.DEMO_TOTP_HEX_KEY, "confirmed": True}
        )
    return user


@transaction.atomic
def seed(stdout, *, small: bool = False) -> None:
    orgs = _organisations()
    if not Municipality.objects.filter(pk=GENT).exists():
        raise RuntimeError("Reference data missing: run load_reference_data first")
    for role, (org_code, scope) in DEMO_ROLES.items():
        user = demo_user(role, orgs[org_code])
        role_assign(user=user, role=role, organisation=orgs[org_code], **scope)
    for role in CRT_ROLES:  # the CRT realm grants their roles (crt/demo.py)
        demo_user(role, orgs["atlas"])
    stdout.write(f"  {len(DEMO_ROLES) + len(CRT_ROLES)} demo accounts (demo-<role>)")
