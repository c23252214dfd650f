"""Machinery of the permission matrix: walk the URL configuration, make the principals, judge responses."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.admin.sites import all_sites
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.expectations._base import (
    ALLOW,
    ANONYMOUS,
    INSIDE,
    MUNICIPAL,
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


def make_principal(principal: str, make_user):
    """A user for a principal code, with the matrix's fixed scope (see Scope)."""
    if principal == ANONYMOUS:
        return None
    username = f"matrix-{principal}".replace("_", "-")
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
    if response.status_code in outcome.statuses:
        return None
    if outcome.login_redirect and is_login_redirect(response, paths):
        return None
    got = str(response.status_code)
    if response.status_code in (301, 302, 303, 307):
        got += f" → {response.get('Location')}"
    return f"expected {outcome!r}, got {got}"


def expected_for(outcome: Outcome, scope_name: str | None) -> Outcome:
    if outcome.scoped:
        return ALLOW if scope_name in (None, "inside") else OUT_OF_SCOPE
    return outcome
