"""The stored import in the admin: upload → status page (progress) → preview or row report → confirm
→ result; who sees which import; limits refused at the upload; CSRF."""

import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from accounts.constants import Roles
from audit.models import AuditEvent
from core.constants import ImportStatuses
from core.models import Import
from hvt.models import ReceptionPlace
from tests.core.import_helpers import (
    ANTWERPEN,
    ANTWERPEN_POSTAL,
    claiming_bomb,
    confirm,
    csv_bytes,
    place_row,
    status_page,
    upload,
    xlsx_bytes,
)

# pages: the navigation asks the CRT realm about the signed-in user
pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def coordinator(make_user):
    return make_user(Roles.HVT_COORDINATOR, username="coordinator", is_staff=True)


@pytest.fixture
def importer(make_user):
    """A staff user who may import places but not see other people's imports (no core.view_all_imports),
    e.g. a municipal officer given the import permission; scope: Gent."""
    from django.contrib.auth.models import Permission

    user = make_user(Roles.HVT_MUNICIPAL_FULL, username="importer-gent", municipalities=["44021"], is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="hvt", codename__in=["add_receptionplace", "view_receptionplace"]))
    return type(user).objects.get(pk=user.pk)


def test_upload_check_preview_confirm_and_result(client, login, coordinator, django_capture_on_commit_callbacks):
    login(coordinator)
    response = upload(client, django_capture_on_commit_callbacks, xlsx_bytes([place_row(i) for i in range(12)]),
                      name="plaatsen.xlsx")
    imp = Import.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == reverse("admin:core_import_change",
                                                                                    args=[imp.pk])
    assert (imp.kind, imp.file_format, imp.created_by, imp.status) == ("hvt.places", "xlsx", coordinator, "ready")
    assert (imp.progress_done, imp.progress_total, imp.counts) == (12, 12, {"new": 12})
    assert not ReceptionPlace.objects.exists()  # the check is a dry run

    page = status_page(client, imp)
    body = page.content.decode()
    assert page.status_code == 200 and page.context["may_confirm"]
    assert "klaar voor bevestiging" in body and "Import bevestigen" in body
    assert 'value="12"' in body and 'max="12"' in body  # the bar at its end
    assert "Importstraat 0" in body  # the preview
    assert 'data-import-working="0"' in body

    response = confirm(client, django_capture_on_commit_callbacks, imp)
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.DONE and imp.counts == {"new": 12} and imp.finished_at is not None
    assert ReceptionPlace.objects.filter(source="import").count() == 12
    assert AuditEvent.objects.filter(object_type="hvt.receptionplace", actor_id=coordinator.pk).count() == 12
    body = status_page(client, imp).content.decode()
    assert "De import is voltooid: 12 nieuw, 0 bijgewerkt." in body
    assert reverse("admin:hvt_receptionplace_changelist") in body

    # confirming again does nothing
    response = confirm(client, django_capture_on_commit_callbacks, imp)
    assert ReceptionPlace.objects.count() == 12
    assert "kan niet (meer) worden bevestigd" in client.get(response.headers["Location"]).content.decode()


def test_a_bad_row_fails_the_check_with_the_row_report_and_no_confirmation(client, login, coordinator,
                                                                           django_capture_on_commit_callbacks):
    login(coordinator)
    rows = [place_row(i) for i in range(5)]
    rows[3] = place_row(3, postal_code=ANTWERPEN_POSTAL)
    rows[4] = place_row(4, start_date="2022-03-01")
    upload(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    imp = Import.objects.get()
    assert imp.status == ImportStatuses.FAILED
    assert imp.report["row_errors"] == [
        {"row": 4, "errors": {"postal_code": ["Postcode 2000 hoort niet bij deze gemeente."]}},
        {"row": 5, "errors": {"start_date": ["De startdatum kan niet voor 14 maart 2022 liggen."]}},
    ]
    page = status_page(client, imp)
    body = page.content.decode()
    assert not page.context["may_confirm"] and "Import bevestigen" not in body
    assert "Postcode 2000 hoort niet bij deze gemeente." in body and "2 rijen bevatten fouten; niets is opgeslagen." in body
    assert client.post(reverse("admin:core_import_confirm", args=[imp.pk])).status_code == 302
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.FAILED and not ReceptionPlace.objects.exists()


def test_rows_outside_the_importers_scope_are_named_and_nothing_is_imported(client, login, importer,
                                                                            django_capture_on_commit_callbacks):
    login(importer)
    rows = [place_row(0), place_row(1, refnis=ANTWERPEN, postal_code=ANTWERPEN_POSTAL)]
    upload(client, django_capture_on_commit_callbacks, csv_bytes(rows))
    imp = Import.objects.get()
    assert imp.status == ImportStatuses.FAILED
    assert imp.report["row_errors"] == [{"row": 2, "errors": {"__all__": [f"U hebt geen toegang tot gemeente {ANTWERPEN}."]}}]
    assert not ReceptionPlace.objects.exists()


def test_progress_endpoint_reports_the_step_from_the_cache_while_it_runs(client, login, coordinator):
    from core import importing, services

    login(coordinator)
    imp = services.import_create(actor=coordinator, kind="hvt.places", file_name="p.csv",
                                 content=csv_bytes([place_row(i) for i in range(3)]))
    url = reverse("admin:core_import_progress", args=[imp.pk])
    assert client.get(url).json() == {
        "status": "received", "status_label": "ontvangen", "working": True, "done": 0, "total": 0, "phase": "",
        "phase_label": "", "text": "Wacht op verwerking…"}
    importing.progress_set(imp.pk, done=2, total=3, phase="check")
    data = client.get(url).json()
    assert (data["done"], data["total"], data["phase_label"], data["text"]) == (2, 3, "Rijen controleren", "2 van 3 rijen")
    body = status_page(client, imp).content.decode()
    assert 'data-import-working="1"' in body and "core/import_progress.js" in body
    services.import_process(import_id=imp.pk)
    data = client.get(url).json()
    assert (data["status"], data["working"], data["done"], data["total"]) == ("ready", False, 3, 3)
    assert client.post(url).status_code == 405


def test_users_see_their_own_imports_and_coordinators_everyones(client, login, coordinator, importer, make_user):
    from core import services

    mine = services.import_create(actor=importer, kind="hvt.places", file_name="mijn.csv", content=csv_bytes([place_row(0)]))
    theirs = services.import_create(actor=coordinator, kind="hvt.places", file_name="coord.csv",
                                    content=csv_bytes([place_row(1)]))
    login(importer)
    changelist = client.get(reverse("admin:core_import_changelist"))
    assert [i.pk for i in changelist.context["cl"].result_list] == [mine.pk]
    assert status_page(client, mine).status_code == 200
    for name in ("admin:core_import_change", "admin:core_import_progress", "admin:core_import_history"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    assert client.post(reverse("admin:core_import_confirm", args=[theirs.pk])).status_code == 404
    login(coordinator)
    changelist = client.get(reverse("admin:core_import_changelist"))
    assert {i.pk for i in changelist.context["cl"].result_list} == {mine.pk, theirs.pk}
    assert "Opvangplaatsen" in changelist.content.decode()  # the kind's label, not its code
    population = client.get(reverse("admin:core_import_changelist") + "?kind=geo.population")
    assert list(population.context["cl"].result_list) == []
    page = status_page(client, mine)
    assert page.status_code == 200 and "mijn.csv" in page.content.decode()
    # a staff user who may not import sees no imports at all
    login(make_user(Roles.HVT_SECURITY_AUDITOR, is_staff=True))
    assert client.get(reverse("admin:core_import_changelist")).status_code == 403
    assert status_page(client, mine).status_code == 403


def test_only_the_uploader_confirms(client, login, coordinator, importer, django_capture_on_commit_callbacks):
    login(importer)
    upload(client, django_capture_on_commit_callbacks, csv_bytes([place_row(0)]))
    imp = Import.objects.get()
    assert imp.status == ImportStatuses.READY
    login(coordinator)  # sees it, may not confirm someone else's file
    page = status_page(client, imp)
    assert not page.context["may_confirm"] and "Alleen wie het bestand opliet" in page.content.decode()
    assert confirm(client, django_capture_on_commit_callbacks, imp).status_code == 403
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.READY and not ReceptionPlace.objects.exists()


def test_who_may_upload_is_who_held_the_import_permission_before(client, login, make_user):
    for role, allowed in [(Roles.HVT_COORDINATOR, True), (Roles.HVT_SECURITY_AUDITOR, False), (Roles.SUPPORT, False),
                          (Roles.HVT_SUBSIDY_COORDINATOR, False)]:
        login(make_user(role, is_staff=True))
        page = client.get(reverse("admin:hvt_receptionplace_import"))
        post = client.post(reverse("admin:hvt_receptionplace_import"), {})
        assert (page.status_code, post.status_code) == ((200, 200) if allowed else (403, 403)), role
    login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"]))  # not staff: the admin's login
    assert client.get(reverse("admin:hvt_receptionplace_import")).status_code == 302
    assert not Import.objects.exists()


def test_the_changelist_links_to_the_upload_for_importers_only(client, login, coordinator, make_user):
    login(coordinator)
    assert reverse("admin:hvt_receptionplace_import") in client.get(reverse("admin:hvt_receptionplace_changelist")).content.decode()
    vlot = make_user(Roles.HVT_VLOT, provinces=["40000"], is_staff=True)
    login(vlot)
    response = client.get(reverse("admin:hvt_receptionplace_changelist"))
    assert response.status_code == 200 and reverse("admin:hvt_receptionplace_import") not in response.content.decode()


def test_a_zip_bomb_is_refused_on_the_upload_form_and_nothing_is_stored(client, login, coordinator,
                                                                        django_capture_on_commit_callbacks):
    login(coordinator)
    response = upload(client, django_capture_on_commit_callbacks, claiming_bomb(), name="bom.xlsx")
    assert response.status_code == 200
    assert "verdacht sterk samengeperst" in response.content.decode()
    assert not Import.objects.exists()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_an_oversized_upload_is_refused_from_its_content_length_before_the_body_is_read(client, login, coordinator,
                                                                                       monkeypatch):
    from django.http.multipartparser import MultiPartParser

    login(coordinator)
    big = csv_bytes([place_row(i) for i in range(2000)])  # ~150 kB: more than 1000 bytes + the multipart allowance
    with monkeypatch.context() as patch:
        patch.setattr(MultiPartParser, "parse", lambda self: pytest.fail("the oversized body was parsed"))
        response = client.post(reverse("admin:hvt_receptionplace_import"),
                               {"import_file": SimpleUploadedFile("p.csv", big)})
    assert response.status_code == 413
    assert "er kan hoogstens 1000\xa0bytes worden opgeladen" in response.content.decode()
    small_but_over = csv_bytes([place_row(i) for i in range(20)])  # under the allowance: the form refuses it
    response = upload(client, lambda execute: contextlib.nullcontext(), small_but_over)
    assert response.status_code == 200 and "er kan hoogstens 1000\xa0bytes" in response.content.decode()
    assert not Import.objects.exists()


@override_settings(IMPORT_MAX_ROWS=10)
def test_too_many_rows_fail_the_check_with_a_dutch_message(client, login, coordinator,
                                                           django_capture_on_commit_callbacks):
    login(coordinator)
    upload(client, django_capture_on_commit_callbacks, csv_bytes([place_row(i) for i in range(11)]))
    imp = Import.objects.get()
    assert imp.status == ImportStatuses.FAILED
    assert "meer dan 10 rijen" in imp.error
    assert "meer dan 10 rijen" in status_page(client, imp).content.decode()
    assert not ReceptionPlace.objects.exists()


def test_upload_and_confirm_need_the_csrf_token(coordinator, django_capture_on_commit_callbacks):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core import services

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    device, _ = TOTPDevice.objects.get_or_create(user=coordinator, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.post(reverse("admin:hvt_receptionplace_import"),
                           {"import_file": SimpleUploadedFile("p.csv", csv_bytes([place_row(0)]))})
    assert response.status_code == 403 and not Import.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        imp = services.import_create(actor=coordinator, kind="hvt.places", file_name="p.csv",
                                     content=csv_bytes([place_row(0)]))
    assert Import.objects.get().status == ImportStatuses.READY
    assert client.post(reverse("admin:core_import_confirm", args=[imp.pk])).status_code == 403
    assert Import.objects.get().status == ImportStatuses.READY and not ReceptionPlace.objects.exists()
