"""CRT access needs a CRT role: every CRT URL (GET and POST) against every non-CRT principal,
and the case-manager pages against the other CRT roles. (The GET matrix over all URLs is in
tests/security; this adds the POSTs and checks that nothing changed.)"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.constants import CRT_ROLES, Roles
from crt.constants import CrtRoles, DossierStatuses
from crt.models import AuditEvent, Dossier, Referral, Transfer
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

NON_CRT = [r.value for r in Roles if r not in CRT_ROLES] + ["superuser_no_crt"]
OTHER_CRT = [CrtRoles.REPORTING, CrtRoles.CENTRAL_ADMIN, CrtRoles.SECURITY_AUDITOR]


def principal(code):
    if code == "superuser_no_crt":
        return make_user(None, username="root-no-crt", is_superuser=True, is_staff=True)
    return make_user(code, municipalities=["44021"], provinces=["40000"] if code == "hvt_vlot" else [])


def urls(dossier, referral):
    pk = dossier.pk
    return {
        "get": [reverse("crt:index"), reverse("crt:dossier_list"), reverse("crt:person_register"),
                reverse("crt:dossier_detail", args=[pk]), reverse("crt:person_update", args=[pk]),
                reverse("crt:reports"),
                reverse("crt:report_export", args=["municipality"]), reverse("crt_admin:index"),
                reverse("crt_admin:crt_dossier_changelist"), reverse("crt_admin:crt_dossier_change", args=[pk]),
                reverse("crt_admin:crt_auditevent_changelist"), reverse("crt_admin:crt_transfer_add")],
        "post": [
            (reverse("crt:dossier_search"), {"text": "Kovalenko"}),
            (reverse("crt:person_register"), {"action": "lookup", "national_number": "85073003328",
                                              "lookup_purpose": "registration"}),
            (reverse("crt:dossier_reveal", args=[pk]), {"reveal-reason": "contact"}),
            (reverse("crt:dossier_status", args=[pk]), {"status-status": "closed", "status-effective_on": dossier.opened_on}),
            (reverse("crt:referral_create", args=[pk]), {"referral-service": "work", "referral-referred_on": dossier.opened_on}),
            (reverse("crt:referral_outcome", args=[referral.pk]), {f"outcome-{referral.pk}-outcome": "completed",
                                                                   f"outcome-{referral.pk}-outcome_on": dossier.opened_on}),
            (reverse("crt:dossier_register_check", args=[pk]), {"check-purpose": "identity_check"}),
            (reverse("crt:dossier_flag_clear", args=[pk]), {}),
            (reverse("crt:person_update", args=[pk]), {"municipality_refnis": "11002", "street": "Gewijzigd 1"}),
            (reverse("crt_admin:crt_transfer_add"), {"dossier": pk, "to_organisation": dossier.organisation_id,
                                                      "reason": "x"}),
        ],
    }


@pytest.fixture
def dossier_and_referral(register, case_manager):
    from crt.services import referral_create

    dossier = register()
    referral = referral_create(actor=case_manager, dossier=dossier, service="housing", referred_on=dossier.opened_on)
    dossier.refresh_from_db()
    return dossier, referral


def _assert_denied(response, url):
    assert response.status_code in (403, 404) or (
        response.status_code == 302 and ("/account/" in response["Location"] or "/crt/beheer/login/" in response["Location"])
    ), (url, response.status_code)
    body = response.content.decode(errors="replace")
    for marker in ("Kovalenko", "Olena", "Veldstraat", "CRT-2"):
        assert marker not in body, (url, marker)


@pytest.mark.parametrize("code", NON_CRT)
def test_non_crt_principal_reaches_nothing(code, client, login, dossier_and_referral):
    dossier, referral = dossier_and_referral
    login(principal(code))
    events_before = AuditEvent.objects.using("crt").count()
    targets = urls(dossier, referral)
    for url in targets["get"]:
        _assert_denied(client.get(url), url)
    for url, data in targets["post"]:
        _assert_denied(client.post(url, data), url)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatuses.REFERRED
    assert Referral.objects.using("crt").get().outcome == "pending"
    assert not Transfer.objects.using("crt").exists()
    assert AuditEvent.objects.using("crt").count() == events_before  # no lookups, no reads


@pytest.mark.parametrize("code", OTHER_CRT)
def test_other_crt_roles_do_not_reach_case_manager_pages(code, client, login, dossier_and_referral):
    dossier, referral = dossier_and_referral
    login(make_user(code))
    targets = urls(dossier, referral)
    for url in targets["get"][1:5]:
        _assert_denied(client.get(url), url)
    for url, data in targets["post"][:9]:
        _assert_denied(client.post(url, data), url)
    assert Dossier.objects.using("crt").get().status == DossierStatuses.REFERRED
    assert Dossier.objects.using("crt").get().person.street == "Veldstraat 1"


def test_case_manager_of_another_organisation_gets_404_on_posts(client, login, other_case_manager,
                                                                dossier_and_referral):
    dossier, referral = dossier_and_referral
    login(other_case_manager)
    for url, data in urls(dossier, referral)["post"][2:9]:
        assert client.post(url, data).status_code == 404, url
    assert Referral.objects.using("crt").get().outcome == "pending"


def test_crt_role_without_second_factor_is_sent_to_otp(client, login, case_manager):
    login(case_manager, verified=False)
    response = client.get(reverse("crt:dossier_list"))
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_crt_pages_need_a_verified_second_factor_even_when_the_middleware_cache_says_no_crt_role(client):
    from django.core.cache import cache

    from tests.factories import make_user

    user = make_user("crt_case_manager")
    cache.set(f"crt:has-role:{user.pk}", False, 60)  # a stale cache: the middleware would not ask for 2FA
    client.force_login(user)
    response = client.get("/crt/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/")


def test_crt_pages_send_anonymous_users_to_the_login_and_answer_404_to_signed_in_non_crt_users(
        client, login, dossier_and_referral):
    """The deny rule of crt.decorators.crt_role_required: the login page for anonymous users (a
    bookmark still works after login), 404 (never 403) for a signed-in user without the CRT role."""
    dossier, referral = dossier_and_referral
    pages = [u for u in urls(dossier, referral)["get"] if u.startswith("/crt/") and not u.startswith("/crt/beheer/")]
    assert len(pages) == 7
    login_url = reverse("accounts:login")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"{login_url}?next={quote(url)}", url
    login(principal("hvt_coordinator"))
    for url in pages:
        assert client.get(url).status_code == 404, url
