"""Small things CRT users noticed (issue 12, items 4 and 12): role labels on the start page, the CRT
admin sending a CRT user without admin rights to a real page, a sensible default for "Nieuwe status",
and the registration form reporting an invalid national number together with the other errors."""

import pytest
from django.urls import reverse

from crt.constants import CrtRoles, DossierStatuses
from crt.services import dossier_status_change

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_start_page_shows_role_labels_not_codes(login, make_user):
    body = login(make_user(CrtRoles.REPORTING)).get("/crt/").content.decode()
    assert "Uw CRT-rollen: Reporting" in body
    assert "crt_reporting" not in body.split("Uw CRT-rollen:")[1].split("</p>")[0]


def test_crt_admin_sends_a_crt_user_without_admin_rights_to_the_crt_start(login, case_manager):
    client = login(case_manager)
    response = client.get("/crt/beheer/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("crt:index")
    assert "Het CRT-beheer is er voor centraal beheer" in response.content.decode()


def test_crt_admin_is_still_not_found_for_someone_outside_the_crt(login, make_user):
    from accounts.constants import Roles

    client = login(make_user(Roles.HVT_COORDINATOR, is_staff=True))
    response = client.get("/crt/beheer/", follow=True)
    assert response.status_code == 404


@pytest.mark.parametrize(("current", "suggested"), [
    (None, DossierStatuses.PRE_TRAJECTORY),
    (DossierStatuses.REFERRED, DossierStatuses.CIVIC_INTEGRATION),
    (DossierStatuses.CLOSED, DossierStatuses.CLOSED),
])
def test_new_status_defaults_to_the_next_step(login, case_manager, register, frozen_now, current, suggested):
    dossier = register()
    if current:
        dossier_status_change(actor=case_manager, dossier=dossier, status=current, effective_on=dossier.opened_on)
        dossier.refresh_from_db()
    response = login(case_manager).get(reverse("crt:dossier_detail", args=[dossier.pk]))
    assert response.context["status_form"]["status"].value() == suggested
    assert f'<option value="{suggested}" selected>' in response.content.decode()


def test_an_invalid_national_number_is_reported_with_the_other_errors(login, case_manager):
    response = login(case_manager).post(reverse("crt:person_register"), {
        "national_number": "85073000123", "first_name": "", "last_name": "Kovalenko", "birth_date": "",
        "sex": "", "nationality": "UA", "household_role": "head", "municipality_refnis": "",
    })
    errors = response.context["form"].errors
    assert {"national_number", "first_name", "birth_date", "sex", "municipality_refnis"} <= set(errors)
    assert "geen geldig rijksregisternummer" in " ".join(errors["national_number"])
