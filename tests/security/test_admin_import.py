"""The import steps are POSTs, which the GET matrix cannot judge: only who holds the kind's permission
(the model's "add" permission, as with django-import-export before) may upload, and only the uploader
may confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import services
from core.models import Import
from geo.models import PopulationFigure

CSV = "NIS code,Woonplaats,Mannen,Vrouwen,Totaal\n44021,Gent,1,1,2\n"


@pytest.mark.django_db(databases=["default", "crt"])
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("support", False), ("hvt_security_auditor", False), ("hvt_subsidy_coordinator", False), ("hvt_coordinator", True)],
)
def test_population_import_needs_add_permission(role, allowed, make_user, login, django_capture_on_commit_callbacks):
    client = login(make_user(role, is_staff=True))
    page = client.get(reverse("admin:geo_populationfigure_import"))
    with django_capture_on_commit_callbacks(execute=True):
        upload = client.post(reverse("admin:geo_populationfigure_import"),
                             {"import_file": SimpleUploadedFile("bevolking.csv", CSV.encode()), "year": "2020"})
    if allowed:
        assert page.status_code == 200
        assert upload.status_code == 302
        assert Import.objects.get().status == "ready"
    else:
        assert page.status_code == 403
        assert upload.status_code == 403
        assert not Import.objects.exists()
    assert not PopulationFigure.objects.exists()


@pytest.mark.django_db(databases=["default", "crt"])
@pytest.mark.parametrize("role", ["support", "hvt_security_auditor", "hvt_subsidy_coordinator", "hvt_coordinator"])
def test_nobody_but_the_uploader_confirms(role, make_user, login, django_capture_on_commit_callbacks):
    uploader = make_user("hvt_coordinator", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        imp = services.import_create(actor=uploader, kind="geo.population", file_name="bevolking.csv",
                                     content=CSV.encode(), options={"year": 2020})
    assert Import.objects.get(pk=imp.pk).status == "ready"
    client = login(make_user(role, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:core_import_confirm", args=[imp.pk]))
    # a coordinator sees every import but may not confirm another's; the others may not use imports at all
    assert response.status_code == 403
    assert Import.objects.get(pk=imp.pk).status == "ready"
    assert not PopulationFigure.objects.exists()
