"""The vocabulary of the permission matrix: principals, outcomes, entries, admin rules, scopes.

See tests/security/README.md for how to write an entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts.constants import CRT_ROLES, FLANDERS_ROLES, MUNICIPAL_ROLES, PROVINCIAL_ROLES, Roles

# --- Principals: every role code, plus two that hold no role ---------------------------------------
ANONYMOUS = "anonymous"
SUPERUSER_NO_CRT = "superuser_no_crt"  # is_superuser + is_staff, no role at all, no CRT role

ROLE_CODES: tuple[str, ...] = tuple(r.value for r in Roles)
PRINCIPALS: tuple[str, ...] = ROLE_CODES + (ANONYMOUS, SUPERUSER_NO_CRT)
CRT_PRINCIPALS = frozenset(r.value for r in CRT_ROLES)
NON_CRT_PRINCIPALS = frozenset(PRINCIPALS) - CRT_PRINCIPALS
# Roles whose accounts are Django staff (as in accounts.demo.STAFF_ROLES): they may open /beheer/.
STAFF_PRINCIPALS = frozenset(
    {Roles.HVT_COORDINATOR, Roles.HVT_SECURITY_AUDITOR, Roles.HVT_SUBSIDY_COORDINATOR, Roles.SUPPORT, SUPERUSER_NO_CRT}
)
AUTHENTICATED = frozenset(PRINCIPALS) - {ANONYMOUS}
MUNICIPAL = frozenset(r.value for r in MUNICIPAL_ROLES)
PROVINCIAL = frozenset(r.value for r in PROVINCIAL_ROLES)
FLANDERS = frozenset(r.value for r in FLANDERS_ROLES)


# --- Scope: where the matrix users work, and an object's place inside or outside it --------------
@dataclass(frozen=True)
class Scope:
    """Passed to an entry's ``obj`` builder. The matrix users' scope is fixed:

    * municipal roles work in Gent (44021), VLOT in the province Oost-Vlaanderen (40000),
      Flanders-wide roles everywhere;
    * CRT case managers belong to the CRT organisation ``atlas``.

    ``INSIDE`` is a place inside that scope, ``OUTSIDE`` one outside it (Hasselt, province Limburg,
    CRT organisation ``amal``). A builder creates an object at ``scope`` and returns URL kwargs.
    """

    name: str
    municipality: str  # refnis
    province: str  # refnis
    crt_organisation_code: str

    def crt_organisation(self):
        from crt.models import Organisation

        org, _ = Organisation.objects.using("crt").get_or_create(
            code=self.crt_organisation_code, defaults={"name": self.crt_organisation_code.title()}
        )
        return org


INSIDE = Scope("inside", municipality="44021", province="40000", crt_organisation_code="atlas")
OUTSIDE = Scope("outside", municipality="71072", province="70000", crt_organisation_code="amal")


# --- Outcomes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    name: str
    statuses: frozenset[int] = frozenset()
    login_redirect: bool = False  # a 302 to a login / second-factor page also counts
    scoped: bool = False  # IN_SCOPE_ONLY: inside → ALLOW, outside → DENY

    def __repr__(self):
        return self.name


ALLOW = Outcome("ALLOW", frozenset({200}))
# No access: 401/403/404, or a redirect to a login page (anonymous; non-staff on an admin site).
DENY = Outcome("DENY", frozenset({401, 403, 404}), login_redirect=True)
FORBIDDEN = Outcome("FORBIDDEN", frozenset({403}))
NOT_FOUND = Outcome("NOT_FOUND", frozenset({404}))
LOGIN = Outcome("LOGIN", login_redirect=True)  # exactly: sent to a login page
IN_SCOPE_ONLY = Outcome("IN_SCOPE_ONLY", scoped=True)
# Under LICENCE_ENFORCEMENT, a signed-in user without a licence for the tool of the path (HVT under
# /hvt/ and /api/v1/hvt/, CRT under /crt/): 403 with the no-licence page (JSON under /api/).
NO_LICENCE = Outcome("NO_LICENCE", frozenset({403}))
# The denials: a POST by a principal denied on GET must get the very same answer and write nothing.
DENIALS = frozenset({"DENY", "FORBIDDEN", "NOT_FOUND", "LOGIN", "DENY(out of scope)", "NO_LICENCE"})


def status(*codes: int) -> Outcome:
    """A fixed status, for the odd ones out (a redirect, 405 on a POST-only view…)."""
    return Outcome(f"status{tuple(codes)}", frozenset(codes))


# --- Entries -------------------------------------------------------------------------------------------
ObjBuilder = Callable[[Scope], Mapping[str, Any]]


@dataclass(frozen=True)
class Entry:
    """The expected outcome of a GET on one named URL, per principal.

    ``default`` holds for every principal not in ``roles``. ``kwargs`` are fixed URL kwargs;
    ``obj`` builds an object at a Scope and returns the URL kwargs: the URL is then requested
    for an object INSIDE and one OUTSIDE the user's scope (ALLOW = both 200, DENY = neither,
    IN_SCOPE_ONLY = inside 200 and outside 403/404).

    The URL is also POSTed (empty form) by every principal. A principal denied on GET must get the
    same answer to the POST and nothing may be written; any other principal must not be denied
    (a form re-rendered with errors, a redirect, 400 from the API, 405 where POST is not accepted).
    ``post`` overrides that for URLs whose GET does not tell who may POST (a POST-only view that
    answers 405 to every GET, an admin page some may view but not change): ALLOW / IN_SCOPE_ONLY
    there mean "not denied", DENY a denial. ``writes`` names the model a POST creates or changes
    ("hvt.receptionplace"): its row count must not move on a denied POST (admin rules set it).
    """

    default: Outcome
    roles: Mapping[str, Outcome] = field(default_factory=dict)
    kwargs: Mapping[str, Any] | None = None
    obj: ObjBuilder | None = None
    query: str = ""
    note: str = ""
    post: Entry | None = None
    writes: str = ""
    is_post_table: bool = False  # made by posts(): the outcomes of a POST, the parent entry has the obj

    def __post_init__(self):
        unknown = set(self.roles) - set(PRINCIPALS)
        if unknown:
            raise ValueError(f"unknown principals in entry: {sorted(unknown)}")
        if self.post is not None and self.obj is None and any(o.scoped for o in self.post.roles.values()):
            raise ValueError("a POST table with IN_SCOPE_ONLY needs an obj builder on the entry")
        if not self.is_post_table and self.obj is None and (self.default.scoped or any(o.scoped for o in self.roles.values())):
            raise ValueError("IN_SCOPE_ONLY needs an obj builder (inside and outside the scope)")

    def outcome_for(self, principal: str) -> Outcome:
        return self.roles.get(principal, self.default)

    def post_outcome_for(self, principal: str) -> Outcome | None:
        """The declared POST outcome, or None: derived from the GET outcome (see the class)."""
        return None if self.post is None else self.post.outcome_for(principal)


def only(principals: Iterable[str], outcome: Outcome = ALLOW, *, otherwise: Outcome = DENY, **kw) -> Entry:
    """``principals`` get ``outcome``; every other principal ``otherwise``."""
    return Entry(default=otherwise, roles={p: outcome for p in principals}, **kw)


def posts(rows: Mapping[str, Outcome] | Iterable[str], *, default: Outcome = DENY) -> Entry:
    """The outcomes of a POST, for ``Entry(post=...)``: a table, or the principals let through
    (ALLOW: not denied; IN_SCOPE_ONLY: inside the scope only); everyone else ``default``."""
    table_rows = dict(rows) if isinstance(rows, Mapping) else {p: ALLOW for p in rows}
    return Entry(default=default, roles=table_rows, is_post_table=True)


def everyone(outcome: Outcome = ALLOW, **kw) -> Entry:
    return Entry(default=outcome, **kw)


def logged_in(outcome: Outcome = ALLOW, *, anonymous: Outcome = DENY, **kw) -> Entry:
    return Entry(default=outcome, roles={ANONYMOUS: anonymous}, **kw)


def table(rows: Mapping[str, Outcome], *, default: Outcome = DENY, **kw) -> Entry:
    """A full per-principal table (readable when many roles differ)."""
    return Entry(default=default, roles=dict(rows), **kw)


# --- Admin: one rule per registered model, expanded to changelist/add/change/delete/history -----------
@dataclass(frozen=True)
class AdminRule:
    """Who may view / add / change / delete a model in an admin site.

    Everyone else: DENY (anonymous and non-staff are sent to the admin login, staff get 403).
    ``change`` also lets one open the change and history pages (so does ``view``).
    ``obj(scope)`` returns ``{"object_id": ...}`` of an existing object of the model.
    """

    view: frozenset[str] = frozenset()
    add: frozenset[str] = frozenset()
    change: frozenset[str] = frozenset()
    delete: frozenset[str] = frozenset()
    obj: ObjBuilder | None = None
    # For admin sites whose denial is not the Django default (e.g. 404 instead of a login redirect)
    denied: Outcome = DENY

    def entries(self, namespace: str, app_label: str, model_name: str) -> dict[str, Entry]:
        prefix = f"{namespace}:{app_label}_{model_name}"
        viewers = set(self.view) | set(self.change)
        model = f"{app_label}.{model_name}"
        out = {
            f"{prefix}_changelist": only(viewers, otherwise=self.denied, writes=model),
            f"{prefix}_add": only(self.add, otherwise=self.denied, writes=model),
        }
        if self.obj is not None:
            # Who may only view gets the change page but a POST to it is refused (403).
            changers = posts(self.change)
            out[f"{prefix}_change"] = only(viewers, otherwise=self.denied, obj=self.obj, post=changers, writes=model)
            out[f"{prefix}_history"] = only(viewers, otherwise=self.denied, obj=self.obj, writes=model)
            out[f"{prefix}_delete"] = only(self.delete, otherwise=self.denied, obj=self.obj, writes=model)
        return out


def roles(*codes) -> frozenset[str]:
    return frozenset(str(getattr(c, "value", c)) for c in codes)
