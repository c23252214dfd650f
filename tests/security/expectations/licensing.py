"""Permission-matrix entries for the licensing app (see tests/security/README.md)."""

from tests.security.expectations._base import (  # noqa: F401  (the vocabulary, for whoever fills this in)
    ALLOW,
    ANONYMOUS,
    AUTHENTICATED,
    CRT_PRINCIPALS,
    DENY,
    FLANDERS,
    IN_SCOPE_ONLY,
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
    roles,
    status,
    table,
)

EXPECTATIONS: dict = {}
ADMIN_MODELS: dict = {}
