"""The admin import steps are POSTs, which the GET matrix cannot judge: staff without the model's
"add" permission may not import (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add")."""

import pytest
from django.urls import reverse

from geo.models import PopulationFigure

CSV = "refnis,men,women,total\n44021,1,1,2\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("support", False), ("hvt_security_auditor", False), ("hvt_subsidy_coordinator", False), ("hvt_coordinator", True)],
)
def test_population_import_needs_add_permission(role, allowed, make_user, login):
    client = login(make_user(role, is_staff=True))
    before = PopulationFigure.objects.count()
    page = client.get(reverse("admin:geo_populationfigure_import"))
    process = client.post(reverse("admin:geo_populationfigure_process_import"), {"import_file_name": "x.csv"})
    if allowed:
        assert page.status_code == 200
        assert process.status_code != 403
    else:
        assert page.status_code == 403
        assert process.status_code == 403
    assert PopulationFigure.objects.count() == before
