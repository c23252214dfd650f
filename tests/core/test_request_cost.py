"""What every page costs before its own work: one read of the CRT-role cache (memoised on the
user object for the request: the second-factor middleware, the navigation and the start page
share it), the roles once, Django's permissions once (however many navigation items ask)."""

from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.constants import Roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

PAGES = [
    (Roles.HVT_COORDINATOR, {"is_staff": True}, "/"),
    (Roles.HVT_COORDINATOR, {"is_staff": True}, "/licenties/"),
    (Roles.HVT_MUNICIPAL_FULL, {"municipalities": ["44021"]}, "/hvt/plaatsen/"),
    (Roles.CRT_CASE_MANAGER, {}, "/"),
    (Roles.CRT_CENTRAL_ADMIN, {}, "/crt/"),
]


@pytest.mark.parametrize(("role", "fields", "url"), PAGES, ids=[f"{r}-{u}" for r, _f, u in PAGES])
def test_a_page_reads_the_crt_role_cache_once_and_the_permissions_once(login, monkeypatch, role, fields, url):
    client = login(make_user(role, **fields))
    assert client.get(url).status_code in (200, 302)  # warm: sessions, caches
    reads = Counter()
    original = cache.get

    def counting_get(key, *args, **kwargs):
        reads[key.rsplit(":", 1)[0]] += 1
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    with CaptureQueriesContext(connections["default"]) as default, CaptureQueriesContext(connections["crt"]) as crt:
        response = client.get(url)
    assert response.status_code == 200
    assert reads["crt:has-role"] <= 1, reads
    sql = [q["sql"] for q in default.captured_queries]
    permission_queries = [s for s in sql if 'FROM "auth_permission"' in s]
    role_queries = [s for s in sql if s.startswith('SELECT "accounts_roleassignment"."role"')]
    assert len(permission_queries) <= 2, permission_queries  # the user's and the groups', once
    assert len(role_queries) <= 1, role_queries
    crt_grants = [q["sql"] for q in crt.captured_queries if q["sql"].startswith('SELECT "crt_roleassignment"."role"')]
    assert len(crt_grants) <= 1, crt_grants
