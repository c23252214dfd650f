from accounts.constants import INTEGRATION_AGENCIES
from accounts.models import User
from crt.constants import CrtRoles
from crt.models import Organisation
from crt.realm import crt_role_assign


def seed(stdout, *, small: bool = False) -> None:
    orgs = {}
    for code, name in INTEGRATION_AGENCIES.items():
        orgs[code], _ = Organisation.objects.using("crt").update_or_create(code=code, defaults={"name": f"{name} (demo)"})
    for role in CrtRoles:
        user = User.objects.get(username=f"demo-{role.value}")
        crt_role_assign(user=user, role=role.value, organisation=orgs["atlas"] if role == CrtRoles.CASE_MANAGER else None)
    stdout.write("  CRT realm: 4 organisations, 4 role assignments")
