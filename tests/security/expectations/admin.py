"""Permission-matrix entries: the Django admin site (/beheer/) itself and the third-party models in it."""

from accounts.constants import Roles
from tests.security.expectations import objects
from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    DENY,
    STAFF_PRINCIPALS,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    everyone,
    only,
    posts,
    roles,
    status,
)

SUPER = roles(SUPERUSER_NO_CRT)
STAFF = STAFF_PRINCIPALS
AUDIT_READERS = roles(Roles.HVT_SECURITY_AUDITOR, SUPERUSER_NO_CRT)

EXPECTATIONS = {
    "admin:index": only(STAFF),
    # The login form: shown to anyone who may not use the site; staff are sent on to the index.
    "admin:login": Entry(default=ALLOW, roles={p: status(302) for p in STAFF}),
    # Logout is a POST (405); whoever may not use the site is sent to its index (which sends to the login).
    "admin:logout": only(STAFF, status(405), otherwise=status(302), post=posts([], default=status(302))),
    "admin:password_change": only(STAFF),
    "admin:password_change_done": only(STAFF),
    "admin:jsi18n": only(STAFF),
    # Autocomplete without parameters is refused even for staff.
    "admin:autocomplete": everyone(DENY),
    # The "view on site" shortcut: no model here has a public URL → 404 for everyone.
    "admin:view_on_site": everyone(DENY, obj=objects.municipality_content),
    "admin:app_list": only(roles(Roles.SUPPORT, Roles.HVT_COORDINATOR, Roles.HVT_SECURITY_AUDITOR, SUPERUSER_NO_CRT),
                           kwargs={"app_label": "accounts"}),
}

ADMIN_MODELS = {
    "admin:audit.auditevent": AdminRule(view=AUDIT_READERS, obj=objects.audit_event),
    "admin:auth.group": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.group),
    # API keys (knox): made for technical accounts, shown once, never changed; revoke = delete.
    "admin:knox.authtoken": AdminRule(view=SUPER, add=SUPER, delete=SUPER, obj=objects.token),
    "admin:axes.accessattempt": AdminRule(view=SUPER, change=SUPER, delete=SUPER, obj=objects.access_attempt),
    "admin:axes.accesslog": AdminRule(view=SUPER, change=SUPER, delete=SUPER, obj=objects.access_log),
    "admin:axes.accessfailurelog": AdminRule(view=SUPER, change=SUPER, delete=SUPER, obj=objects.access_failure_log),
    "admin:django_celery_beat.periodictask": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.periodic_task),
    "admin:django_celery_beat.intervalschedule": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.interval_schedule),
    "admin:django_celery_beat.crontabschedule": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.crontab_schedule),
    "admin:django_celery_beat.solarschedule": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.solar_schedule),
    "admin:django_celery_beat.clockedschedule": AdminRule(view=SUPER, add=SUPER, change=SUPER, delete=SUPER, obj=objects.clocked_schedule),
}
# No second-factor device admin (otp_totp, otp_static): a secret is never shown after enrolment;
# a device is reset with the user action (tests/accounts/test_account_takeover.py).

assert ANONYMOUS not in STAFF
