"""Licence assignment checks the pool against the user's roles (issue 12, item 10), the page keeps
what was typed after a refusal, and "Laatste deactivaties" is newest first and paged (item 11)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.constants import Roles
from licensing.models import DeactivationEvent, LicenceAssignment
from licensing.services import licence_assign

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_a_vlot_user_gets_no_crt_case_manager_licence(make_user, pool):
    vlot = make_user(Roles.HVT_VLOT, provinces=["40000"])
    with pytest.raises(ValidationError) as caught:
        licence_assign(user=vlot, pool=pool("crt", "limited", "crt_case_managers"))
    assert caught.value.code == "pool_not_for_role"
    assert "Dossierbeheerders" in caught.value.messages[0]
    assert not LicenceAssignment.objects.filter(user=vlot).exists()
    with pytest.raises(ValidationError):  # nor a general one
        licence_assign(user=vlot, pool=pool("general", "full", "general"))
    assert licence_assign(user=vlot, pool=pool("hvt", "full", "vlot")).pool.group == "vlot"


def test_a_pool_of_the_users_group_is_given(make_user, pool):
    manager = make_user(Roles.CRT_CASE_MANAGER)  # the role lives in the CRT realm
    assert licence_assign(user=manager, pool=pool("crt", "limited", "crt_case_managers"))
    limited = make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=["44021"])
    assert licence_assign(user=limited, pool=pool("hvt", "limited", "local_governments"))


def test_a_user_without_a_role_yet_and_a_technical_account_may_get_one(make_user, pool):
    assert licence_assign(user=make_user(), pool=pool("hvt", "full", "local_governments"))
    assert licence_assign(user=make_user(is_technical_account=True), pool=pool("general", "full", "general"))


def test_the_page_keeps_the_typed_username_and_shows_the_refusal_at_the_form(login, make_user, pool):
    make_user(Roles.HVT_VLOT, username="vlot-west", provinces=["30000"])
    crt_pool = pool("crt", "limited", "crt_case_managers")
    client = login(make_user(Roles.SUPPORT))
    response = client.post("/licenties/toewijzen/", {"username": "vlot-west", "pool": crt_pool.pk})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="vlot-west"' in body
    assert f'<option value="{crt_pool.pk}" selected>' in body
    assert "vlot-west heeft geen rol voor CRT: een licentie van de groep Dossierbeheerders" in body
    assert not LicenceAssignment.objects.exists()

    response = client.post("/licenties/toewijzen/", {"username": "vlot-oost", "pool": crt_pool.pk})
    body = response.content.decode()
    assert 'value="vlot-oost"' in body and "Er bestaat geen gebruiker vlot-oost" in body
    assert 'aria-invalid="true"' in body


def test_latest_deactivations_newest_first_and_paged(login, make_user):
    user = make_user(username="weg")
    start = dt.datetime(2022, 6, 1, 3, 0, tzinfo=dt.UTC)
    DeactivationEvent.objects.bulk_create(
        DeactivationEvent(user=user, username=f"weg-{i:03d}", last_activity=start - dt.timedelta(days=40),
                          occurred_at=start + dt.timedelta(days=i))
        for i in range(120)
    )
    client = login(make_user(Roles.SUPPORT))
    page = client.get("/licenties/deactivaties/").context["recent"]["page"]
    assert [e.username for e in page][:2] == ["weg-119", "weg-118"]
    assert len(page) == 50 and page.paginator.num_pages == 3
    body = client.get("/licenties/deactivaties/?pagina=3").content.decode()
    assert "weg-000" in body and "weg-119" not in body
    assert 'aria-current="page"><span class="page-link">3<' in body
    page = client.get("/licenties/deactivaties/?per=100&pagina=2").context["recent"]["page"]
    assert [e.username for e in page][-1] == "weg-000" and len(page) == 20
