"""Machinery of the permission matrix: walk the URL configuration, make the principals, judge responses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.admin.sites import all_sites
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.constants import Roles
from licensing.constants import (
    FULL_LICENCE_ROLES,
    PORTAL_EXACT_PATHS,
    PORTAL_PATH_PREFIXES,
    ROLE_TOOL,
    TOOL_PATH_PREFIXES,
    LicenceTypes,
    Tools,
)
from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    DENIALS,
    INSIDE,
    MUNICIPAL,
    NO_LICENCE,
    PROVINCIAL,
    STAFF_PRINCIPALS,
    SUPERUSER_NO_CRT,
    Outcome,
)

# The CRT data that must never appear in a response to a non-CRT principal.
CRT_MARKER_ORG_NAME = "Zyqvarn CRT-merkorganisatie"
CRT_MARKER_ORG_CODE = "zyqvarn-merk"

# Outside the scope, an object is hidden (404) or refused (403).
OUT_OF_SCOPE = Outcome("DENY(out of scope)", frozenset({403, 404}))


@dataclass(frozen=True)
class UrlInfo:
    name: str
    route: str  # the pattern, for messages
    admin_site: str | None  # name of the admin site it belongs to


def walk_urls() -> tuple[dict[str, UrlInfo], list[str]]:
    """Every named URL of config.urls (admin sites and the API router included) and the unnamed ones
    outside the admin sites (which cannot be declared, so they are an error of their own)."""
    admin_namespaces = {site.name for site in all_sites}
    named: dict[str, UrlInfo] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespace: str | None, admin_site: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                site = admin_site
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                    if p.namespace in admin_namespaces and site is None:
                        site = p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, site)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not p.name:
                    if admin_site is None:
                        unnamed.append(route)
                    continue
                name = f"{namespace}:{p.name}" if namespace else p.name
                named.setdefault(name, UrlInfo(name, route, admin_site))

    walk(get_resolver().url_patterns, "/", None, None)
    return named, unnamed


# --- Licences (DOMAIN §2): the licence each role needs, and the gate of LicenceRequiredMiddleware ----
def licence_needed(principal: str) -> tuple[str, str] | None:
    """(tool, licence type) a principal's role needs: the role's tool, full for the roles that need a
    full licence, limited otherwise. None: no named licence (portal users log in per session; the
    superuser of the matrix holds no role, so no licence either)."""
    if principal not in {r.value for r in Roles}:
        return None
    tool = ROLE_TOOL[Roles(principal)]
    if tool == Tools.PORTAL:
        return None
    return tool, LicenceTypes.FULL if principal in FULL_LICENCE_ROLES else LicenceTypes.LIMITED


def licence_grant(user, principal: str) -> str | None:
    """Give ``user`` the licence ``principal``'s role needs from the 2024 plan (through the service,
    which checks the full/limited rule); returns the tool."""
    needed = licence_needed(principal)
    if needed is None:
        return None
    from licensing.models import LicencePool
    from licensing.services import licence_assign

    tool, licence_type = needed
    pool = LicencePool.objects.filter(period__code="2024", tool=tool, licence_type=licence_type).order_by("-seats")[0]
    licence_assign(user=user, pool=pool)
    return tool


def tool_of_path(path: str) -> str | None:
    for prefix, tool in TOOL_PATH_PREFIXES:
        if path.startswith(prefix):
            return tool
    return None


def licence_missing(principal: str, tools: frozenset[str], path: str) -> str | None:
    """The tool whose licence a signed-in principal holding ``tools`` lacks for ``path`` (None: may
    pass). Portal pages need no named licence, only the portal role."""
    if principal == ANONYMOUS:
        return None
    tool = tool_of_path(path)
    if tool is None or tool in tools:
        return None
    if principal == Roles.PORTAL_USER and (path.startswith(PORTAL_PATH_PREFIXES) or path in PORTAL_EXACT_PATHS):
        return None
    return tool


def is_no_licence_answer(response) -> bool:
    """The answer of LicenceRequiredMiddleware: 403 with the no-licence page (JSON under /api/)."""
    if response.status_code != 403:
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        return b"Geen licentie" in response.content
    return any(getattr(t, "name", None) == "licensing/no_licence.html" for t in (response.templates or []))


# --- Writes: a denied POST must not write ------------------------------------------------------------
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
# Written by every signed-in request, denied or not: the session, the user's last activity (DOMAIN §2)
BOOKKEEPING_TABLES = frozenset({"django_session"})
LAST_ACTIVITY_SQL = re.compile(r'^\s*UPDATE\s+"accounts_user"\s+SET\s+"last_activity"\s*=\s*[^,]+?\s+WHERE', re.IGNORECASE)


def writes_of(queries) -> list[str]:
    """The tables written by the captured statements, bookkeeping left out."""
    written = []
    for q in queries:
        m = WRITE_SQL.match(q["sql"])
        if not m or m.group(1) in BOOKKEEPING_TABLES:
            continue
        if m.group(1) == "accounts_user" and LAST_ACTIVITY_SQL.match(q["sql"]):
            continue
        written.append(m.group(1))
    return written


def make_principal(principal: str, make_user, *, licensed: bool = True, suffix: str = ""):
    """A user for a principal code, with the matrix's fixed scope (see Scope) and, when ``licensed``,
    the licence its role needs."""
    user = _make_principal(principal, make_user, suffix)
    if user is not None and licensed:
        licence_grant(user, principal)
    return user


def _make_principal(principal: str, make_user, suffix: str):
    if principal == ANONYMOUS:
        return None
    username = f"matrix-{principal}{suffix}".replace("_", "-")
    if principal == SUPERUSER_NO_CRT:
        return make_user(None, username=username, is_superuser=True, is_staff=True)
    staff = principal in STAFF_PRINCIPALS
    if principal in MUNICIPAL:
        return make_user(principal, username=username, municipalities=[INSIDE.municipality], is_staff=staff)
    if principal in PROVINCIAL:
        return make_user(principal, username=username, provinces=[INSIDE.province], is_staff=staff)
    if principal == "crt_case_manager":
        return make_user(principal, username=username, crt_organisation=INSIDE.crt_organisation(), is_staff=staff)
    return make_user(principal, username=username, is_staff=staff)


def login_paths() -> frozenset[str]:
    paths = {reverse("accounts:login"), reverse("accounts:otp")}
    for site in all_sites:
        try:
            paths.add(reverse(f"{site.name}:login"))
        except Exception:  # a site without a login view
            pass
    return frozenset(paths)


def is_login_redirect(response, paths: frozenset[str]) -> bool:
    if response.status_code not in (301, 302, 303, 307):
        return False
    return urlsplit(response.get("Location", "")).path in paths


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def judge(outcome: Outcome, response, paths: frozenset[str]) -> str | None:
    """None when the response matches the outcome, else what was wrong."""
    if outcome is NO_LICENCE:
        return None if is_no_licence_answer(response) else f"expected the no-licence answer (403), got {_got(response)}"
    if response.status_code in outcome.statuses:
        return None
    if outcome.login_redirect and is_login_redirect(response, paths):
        return None
    return f"expected {outcome!r}, got {_got(response)}"


def _got(response) -> str:
    got = str(response.status_code)
    if response.status_code in (301, 302, 303, 307):
        got += f" → {response.get('Location')}"
    return got


def is_denial(outcome: Outcome) -> bool:
    return outcome.name in DENIALS


def allows_a_page(outcome: Outcome) -> bool:
    return outcome.scoped or 200 in outcome.statuses


def judge_post(
    expected: Outcome, get_expected: Outcome | None, get_response, response, paths: frozenset[str]
) -> str | None:
    """Judge a POST. ``get_expected`` is None when the entry declares the POST's outcomes (then the
    table is the rule); else the POST is judged by the GET:

    * a principal denied on GET gets the very same answer (status, and where a redirect sends to),
      or 405 (the method refused before any check: tells nothing, writes nothing);
    * any other principal is not denied: a form re-rendered with errors, a redirect, 400 from the
      API, 405 where the URL takes no POST; no 401/403/404, no login redirect, no crash.
    """
    if is_denial(expected):
        if expected is NO_LICENCE:
            return judge(NO_LICENCE, response, paths)
        if response.status_code == 405:
            return None
        if get_expected is not None and judge(get_expected, get_response, paths) is None:
            same = (response.status_code, response.get("Location"))
            if same == (get_response.status_code, get_response.get("Location")):
                return None
            return f"denied: expected the same answer as the GET ({_got(get_response)}), got {_got(response)}"
        return judge(expected, response, paths)
    if expected is not ALLOW and get_expected is None:
        return judge(expected, response, paths)  # a declared POST answer, e.g. status(302) of a logout
    if response.status_code in (401, 403, 404) or is_login_redirect(response, paths) or response.status_code >= 500:
        return f"expected to be let through (a form with errors, a redirect, 400, 405), got {_got(response)}"
    return None


def expected_for(outcome: Outcome, scope_name: str | None) -> Outcome:
    if outcome.scoped:
        return ALLOW if scope_name in (None, "inside") else OUT_OF_SCOPE
    return outcome
