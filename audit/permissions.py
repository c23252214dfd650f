from accounts.constants import Roles

ROLE_PERMISSIONS = {
    Roles.HVT_SECURITY_AUDITOR: ["audit.view_auditevent", "audit.view_audit_trail"],
}
