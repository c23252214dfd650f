"""The navigation shows only what the user's roles allow."""

import pytest

from accounts.constants import Roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def _nav(client):
    response = client.get("/")
    assert response.status_code == 200
    items = response.context["nav_items"]
    html = response.content.decode()
    nav_html = html[html.index('id="mainnav"'):html.index("</nav>")]
    return {str(i["label"]) for i in items}, {i["url"] for i in items}, nav_html


def test_support_sees_beheer(login):
    labels, urls, nav_html = _nav(login(make_user(Roles.SUPPORT, is_staff=True)))
    assert "Beheer" in labels
    assert "/beheer/" in urls
    assert 'href="/beheer/"' in nav_html
    assert not any(label.startswith("CRT") for label in labels)


def test_municipal_limited_user_does_not_see_beheer(login):
    labels, urls, nav_html = _nav(login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])))
    assert "Beheer" not in labels
    assert 'href="/beheer/"' not in nav_html
    assert not any(u.startswith("/crt/") for u in urls)


def test_crt_case_manager_sees_crt_but_not_crt_admin(login):
    labels, urls, nav_html = _nav(login(make_user(Roles.CRT_CASE_MANAGER)))
    assert any(label.startswith("CRT") for label in labels)
    assert any(u.startswith("/crt/") for u in urls)
    assert 'href="/crt/' in nav_html
    assert "CRT-beheer" not in labels
    assert not any(u.startswith("/crt/beheer/") for u in urls)
    assert "Beheer" not in labels


def test_crt_central_admin_sees_crt_admin(login):
    labels, urls, _ = _nav(login(make_user(Roles.CRT_CENTRAL_ADMIN)))
    assert {"CRT", "CRT-beheer"} <= labels
    assert "/crt/beheer/" in urls


@pytest.mark.parametrize("superuser", [False, True])
def test_hvt_coordinator_does_not_see_crt(login, superuser):
    labels, urls, nav_html = _nav(login(make_user(Roles.HVT_COORDINATOR, is_staff=True, is_superuser=superuser)))
    assert not any(label.startswith("CRT") for label in labels)
    assert not any(u.startswith("/crt/") for u in urls)
    assert 'href="/crt/' not in nav_html
    assert "Beheer" in labels


def test_anonymous_user_gets_no_navigation(client):
    response = client.get("/account/aanmelden/")
    assert response.context["nav_items"] == []
    assert 'id="mainnav"' not in response.content.decode()


def test_every_navigation_item_is_reachable_for_its_user(login):
    """Whatever an app puts in the menu, the user who sees it may open it (no 403/404 links)."""
    cases = [
        make_user(Roles.SUPPORT, is_staff=True),
        make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]),
        make_user(Roles.HVT_VLOT, provinces=["40000"]),
        make_user(Roles.HVT_COORDINATOR, is_staff=True),
        make_user(Roles.HVT_SUBSIDY_COORDINATOR, is_staff=True),
        make_user(Roles.CRT_CASE_MANAGER),
        make_user(Roles.CRT_CENTRAL_ADMIN),
    ]
    for user in cases:
        client = login(user)
        _, urls, _ = _nav(client)
        for url in urls:
            status = client.get(url).status_code
            assert status == 200, (user.username, url, status)
        client.logout()


def test_subsidy_coordinator_with_admin_rights_sees_beheer(login):
    labels, urls, nav_html = _nav(login(make_user(Roles.HVT_SUBSIDY_COORDINATOR, is_staff=True)))
    assert "Beheer" in labels
    assert 'href="/beheer/"' in nav_html


def test_staff_flag_without_any_admin_permission_gives_no_beheer(login):
    labels, _, _ = _nav(login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"], is_staff=True)))
    assert "Beheer" not in labels


def test_navigation_in_the_order_the_apps_ask(login):
    response = login(make_user(Roles.HVT_COORDINATOR, is_staff=True)).get("/")
    orders = [item["order"] for item in response.context["nav_items"]]
    assert orders == sorted(orders)
