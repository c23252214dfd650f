import datetime as dt

import pytest
import tablib
from django.urls import reverse

from accounts.constants import Roles
from geo.models import Municipality, PopulationFigure
from hvt.models import MunicipalityTarget, ReceptionPlace, TargetRound
from hvt.resources import PlaceResource
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, GENT_POSTAL, register

pytestmark = pytest.mark.django_db

HEADER = "refnis,street,house_number,postal_code,operator,capacity,category,category_2_subtype,start_date,end_date,accessible,pets_allowed,notes,name\n"
GOOD = f"{GENT},Kouter,1,{GENT_POSTAL},OCMW,4,1_public,,2022-04-01,,1,0,,\n{ANTWERPEN},Meir,2,{ANTWERPEN_POSTAL},Stad,10,2,hotel,2022-05-01,,0,0,,Hotel\n"


def _dataset(text):
    return tablib.Dataset().load(text, format="csv")


def test_import_all_rows_through_the_service(coordinator):
    result = PlaceResource().import_data(_dataset(HEADER + GOOD), dry_run=False, user=coordinator)
    assert not result.has_errors() and not result.has_validation_errors()
    assert ReceptionPlace.objects.filter(source="import").count() == 2


def test_import_with_one_bad_row_commits_nothing_and_names_the_row(coordinator):
    bad = f"{GENT},Kouter,3,{ANTWERPEN_POSTAL},OCMW,4,1_public,,2022-04-01,,0,0,,\n"  # postal code of Antwerpen
    result = PlaceResource().import_data(_dataset(HEADER + GOOD + bad), dry_run=False, user=coordinator)
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert [r.number for r in invalid] == [3]
    assert "postal_code" in invalid[0].error_dict
    assert not ReceptionPlace.objects.exists()


def test_import_row_before_14_march_2022_is_refused(coordinator):
    bad = f"{GENT},Kouter,3,{GENT_POSTAL},OCMW,4,1_public,,2022-03-01,,0,0,,\n"
    result = PlaceResource().import_data(_dataset(HEADER + bad), dry_run=False, user=coordinator)
    assert result.has_validation_errors() and not ReceptionPlace.objects.exists()


def test_import_rows_outside_the_importers_scope_are_refused(gent_officer):
    result = PlaceResource().import_data(_dataset(HEADER + GOOD), dry_run=False, user=gent_officer)
    assert [r.number for r in result.invalid_rows] == [2]  # the Antwerpen row
    assert not ReceptionPlace.objects.exists()


def test_admin_import_dry_run_then_confirm(client, login, coordinator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Import

    login(coordinator)
    upload = SimpleUploadedFile("plaatsen.csv", (HEADER + GOOD).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:hvt_receptionplace_import"), {"import_file": upload})
    imp = Import.objects.get()
    assert response.status_code == 302 and imp.status == "ready", imp.error
    assert not ReceptionPlace.objects.exists()  # the check writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:core_import_confirm", args=[imp.pk]))
    assert response.status_code == 302
    assert ReceptionPlace.objects.count() == 2


@pytest.mark.django_db(databases=["default", "crt"])
def test_admin_place_list_for_coordinator_and_not_for_officer(client, login, coordinator, gent_officer):
    register(gent_officer)
    login(coordinator)
    response = client.get(reverse("admin:hvt_receptionplace_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    login(gent_officer)
    assert client.get(reverse("admin:hvt_receptionplace_changelist")).status_code == 302  # not staff: login


@pytest.mark.django_db(databases=["default", "crt"])
def test_admin_target_round_and_override(client, login, coordinator):
    PopulationFigure.objects.bulk_create([
        PopulationFigure(municipality=m, year=2024, men=50, women=50, total=100) for m in Municipality.objects.all()
    ])
    login(coordinator)
    response = client.post(reverse("admin:hvt_targetround_add"),
                           {"total": 2850, "effective_on": "2024-01-01", "note": "test", "keep_overrides": "on"})
    assert response.status_code == 302
    round_ = TargetRound.objects.get()
    assert sum(round_.municipality_targets.values_list("assigned", flat=True)) == 2850
    gent = MunicipalityTarget.objects.get(round=round_, municipality_id=GENT)
    response = client.post(reverse("admin:hvt_municipalitytarget_change", args=[gent.pk]),
                           {"override": 110, "override_reason": "nooddorp"})
    assert response.status_code == 302
    gent.refresh_from_db()
    assert gent.assigned == 110
    assert sum(round_.municipality_targets.values_list("assigned", flat=True)) == 2850
    response = client.post(reverse("admin:hvt_municipalitytarget_change", args=[gent.pk]), {"override": 99999})
    assert response.status_code == 200 and MunicipalityTarget.objects.get(pk=gent.pk).override == 110


@pytest.mark.django_db(databases=["default", "crt"])
def test_security_auditor_cannot_import(client, login, make_user):
    login(make_user(Roles.HVT_SECURITY_AUDITOR, is_staff=True))
    assert client.get(reverse("admin:hvt_receptionplace_import")).status_code == 403


def test_confirm_action_uses_the_service(client, login, coordinator, gent_officer):
    from tests.hvt.helpers import validated

    place = validated(gent_officer, category="2", category_2_subtype="hotel", start_date=dt.date(2023, 7, 1))
    login(coordinator)
    client.post(reverse("admin:hvt_receptionplace_changelist"),
                {"action": "confirm_by_agency", "_selected_action": [place.pk]})
    place.refresh_from_db()
    assert place.agency_confirmed_on is not None and place.is_available


@pytest.mark.django_db(databases=["default", "crt"])
def test_superuser_without_the_coordinator_role_cannot_set_targets(client, login, make_user):
    login(make_user(None, is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:hvt_targetround_add")).status_code == 403


def test_admin_target_round_shows_the_services_refusal_on_the_form(client, login, coordinator):
    """No population figures: the service refuses (no rule copied into the form) and nothing is kept."""
    login(coordinator)
    response = client.post(reverse("admin:hvt_targetround_add"), {"total": 100, "effective_on": "2024-01-01"})
    assert response.status_code == 200
    assert "Er zijn geen bevolkingscijfers" in response.content.decode()
    assert not TargetRound.objects.exists()
