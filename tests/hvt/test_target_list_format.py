"""The targets page writes its figures as every other page does (issue 12, item 5): population and
targets with the thousands separator, the realisation with one decimal (``1,8 %``, not the rounded
``2 %`` of the old widthratio) and a dash where there is no target to compare with."""

import pytest
from django.urls import reverse

from accounts.constants import Roles
from hvt.models import MunicipalityTarget
from tests.factories import make_user
from tests.hvt.helpers import GENT, make_place, make_target

pytestmark = pytest.mark.django_db(databases=["default", "crt"])
NBSP = "\u00a0"


def _row(body: str, name: str) -> str:
    start = body.index(f"<td>{name}</td>")
    return body[start:body.index("</tr>", start)]


def test_targets_show_separators_and_a_one_decimal_realisation(login):
    target = make_target(municipality=GENT)
    MunicipalityTarget.objects.filter(pk=target.pk).update(population=263927, computed=1055, assigned=55)
    MunicipalityTarget.objects.filter(round=target.round, municipality_id="11002").update(assigned=0)
    make_place(municipality=GENT, capacity=1)  # 1 of 55 beds: 1.818… %
    body = login(make_user(Roles.HVT_COORDINATOR)).get(reverse("hvt:target_list"), {"per": 500}).content.decode()
    gent = _row(body, "Gent")
    assert "263.927" in gent and "1.055" in gent
    assert f"1,8{NBSP}%" in gent and "2 %" not in gent
    assert "—" in _row(body, "Antwerpen")  # no target: no percentage, not a division by zero
