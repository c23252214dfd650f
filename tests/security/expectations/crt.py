"""Permission-matrix entries for the crt app (see tests/security/README.md)."""

from tests.security.expectations import objects
from tests.security.expectations._base import (  # noqa: F401  (the vocabulary, for whoever fills this in)
    ALLOW,
    ANONYMOUS,
    AUTHENTICATED,
    CRT_PRINCIPALS,
    DENY,
    FLANDERS,
    IN_SCOPE_ONLY,
    LOGIN,
    MUNICIPAL,
    NOT_FOUND,
    PROVINCIAL,
    SUPERUSER_NO_CRT,
    AdminRule,
    Entry,
    Scope,
    everyone,
    logged_in,
    only,
    posts,
    roles,
    status,
    table,
)

CASE_MANAGERS = roles("crt_case_manager")
REPORTERS = roles("crt_reporting", "crt_central_admin")
MARKER_SURNAME = "Zyqvarnenko"
_counter = [0]


def _registered_dossier(scope: Scope, *, first_name: str = "Matrix"):
    import datetime as dt

    from crt.numbers import generate_number
    from crt.services import PersonInput, person_register

    _counter[0] += 1
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=_counter[0])
    return person_register(
        actor=None, organisation=scope.crt_organisation(), confirm_duplicate=True,
        data=PersonInput(first_name=first_name, last_name=MARKER_SURNAME, birth_date=birth, sex="F",
                         national_number=generate_number(birth, 100 + 2 * (_counter[0] % 400)),
                         municipality_refnis="44021", street="Markerstraat 77"),
    )


def dossier(scope: Scope) -> dict:
    return {"pk": _registered_dossier(scope).pk}


def dossier_admin(scope: Scope) -> dict:
    return {"object_id": _registered_dossier(scope).pk}


def referral(scope: Scope) -> dict:
    from crt.services import referral_create

    d = _registered_dossier(scope)
    return {"pk": referral_create(actor=None, dossier=d, service="work", referred_on=d.opened_on).pk}


def transfer_admin(scope: Scope) -> dict:
    from crt.models import Organisation
    from crt.services import dossier_transfer

    d = _registered_dossier(scope)
    other, _ = Organisation.objects.using("crt").get_or_create(code="matrix-other", defaults={"name": "Matrix other"})
    return {"object_id": dossier_transfer(actor=None, dossier=d, to_organisation=other, reason="matrix").pk}


# Who may use the CRT admin site (/crt/beheer/): crt.admin.ADMIN_ROLES, with a second factor.
CRT_ADMINS = roles("crt_central_admin", "crt_security_auditor")
OWN_DOSSIER = posts({"crt_case_manager": IN_SCOPE_ONLY})

EXPECTATIONS: dict = {
    # The CRT landing page: any CRT role; everyone else 404 (anonymous: the login page).
    "crt:index": only(CRT_PRINCIPALS),
    # --- The CRT admin site itself -------------------------------------------------------------
    "crt_admin:index": only(CRT_ADMINS),
    # No login form of its own (CrtAdminSite.login): anonymous → the platform login, admins → the
    # index, anyone else signed in → 404 (a redirect to the login would loop).
    # CRT users without an admin role are sent to the CRT start page with the reason (issue 12); others: 404.
    "crt_admin:login": Entry(default=NOT_FOUND, roles={ANONYMOUS: LOGIN, **{p: status(302) for p in CRT_PRINCIPALS}}),
    "crt_admin:logout": only(CRT_ADMINS, status(405), otherwise=status(302), post=posts([], default=status(302))),
    "crt_admin:password_change": only(CRT_ADMINS),
    "crt_admin:password_change_done": only(CRT_ADMINS),
    "crt_admin:jsi18n": only(CRT_ADMINS),
    "crt_admin:autocomplete": everyone(DENY),
    "crt_admin:view_on_site": everyone(DENY, obj=objects.crt_organisation_content),
    "crt_admin:app_list": only(CRT_ADMINS, kwargs={"app_label": "crt"}),
    # --- Case managers: their organisation's dossiers (atlas inside, amal outside) -----------------
    "crt:dossier_list": only(CASE_MANAGERS),
    "crt:person_register": only(CASE_MANAGERS, writes="crt.dossier"),
    "crt:dossier_search": only(CASE_MANAGERS, status(405)),  # POST only: the number never sits in a URL
    "crt:dossier_detail": table({"crt_case_manager": IN_SCOPE_ONLY}, obj=dossier),
    # GET asks only for the reason (reveals nothing, writes nothing); the reveal is its POST with a
    # reason and a CSRF token (tests/crt/test_read_audit.py, also from outside the scope: 404).
    "crt:person_update": table({"crt_case_manager": IN_SCOPE_ONLY}, obj=dossier),
    # POST-only dossier actions (their POSTs, in and out of scope: tests/crt/test_realm.py)
    # (their POST: a case manager inside the organisation only; outside it 404, like the GET of the dossier)
    "crt:dossier_reveal": only(CASE_MANAGERS, status(405), obj=dossier, post=OWN_DOSSIER),
    "crt:dossier_status": only(CASE_MANAGERS, status(405), obj=dossier, post=OWN_DOSSIER, writes="crt.dossier"),
    "crt:referral_create": only(CASE_MANAGERS, status(405), obj=dossier, post=OWN_DOSSIER, writes="crt.referral"),
    "crt:dossier_register_check": only(CASE_MANAGERS, status(405), obj=dossier, post=OWN_DOSSIER),
    "crt:dossier_flag_clear": only(CASE_MANAGERS, status(405), obj=dossier, post=OWN_DOSSIER, writes="crt.dossier"),
    "crt:referral_outcome": only(CASE_MANAGERS, status(405), obj=referral, post=OWN_DOSSIER, writes="crt.referral"),
    # --- Reporting: aggregates only ------------------------------------------------------------------
    "crt:reports": only(REPORTERS),
    # CSV, or Excel with ?formaat=xlsx: the same view and rule (exports audited: tests/crt/test_reporting.py)
    "crt:report_export": only(REPORTERS, kwargs={"dimension": "municipality"}),
}

ADMIN_MODELS: dict = {
    "crt_admin:crt.organisation": AdminRule(
        view=roles("crt_central_admin"), add=roles("crt_central_admin"), change=roles("crt_central_admin"),
        delete=roles("crt_central_admin"), obj=objects.crt_organisation,
    ),
    "crt_admin:crt.roleassignment": AdminRule(
        view=roles("crt_central_admin"), add=roles("crt_central_admin"), change=roles("crt_central_admin"),
        delete=roles("crt_central_admin"), obj=objects.crt_role_assignment,
    ),
    # The CRT audit trail: read by the CRT security auditor (central admin too: has_view allows write roles).
    "crt_admin:crt.auditevent": AdminRule(view=roles("crt_security_auditor"), obj=objects.crt_audit_event),
    # All dossiers, read-only, for central management; transfers are added, never changed.
    "crt_admin:crt.dossier": AdminRule(view=roles("crt_central_admin"), obj=dossier_admin),
    "crt_admin:crt.transfer": AdminRule(view=roles("crt_central_admin"), add=roles("crt_central_admin"),
                                        obj=transfer_admin),
}


def make_markers() -> list[str]:
    """Create CRT data with distinctive strings (e.g. a person with surname "Zyqvarnenko") and return
    the strings; the matrix asserts none appears in any response to a non-CRT principal.
    The test already creates a CRT organisation marker."""
    from tests.security.expectations._base import INSIDE

    _registered_dossier(INSIDE, first_name="Matrixmarker")
    return [MARKER_SURNAME, "Markerstraat 77"]
