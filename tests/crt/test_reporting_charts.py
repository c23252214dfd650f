"""The CRT reporting charts: the JSON behind each chart holds the published figures of its table
(suppressed and rounded, crt.reporting), never a true count; the page and the export agree."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from crt.constants import CrtRoles
from crt.numbers import generate_number
from crt.reporting import DIMENSIONS, SUPPRESSED, report_tables

DAY = dt.date(2024, 3, 1)


def charts_in(body: str) -> dict[str, dict]:
    """Every chart's JSON in a page (json_script elements named crt-chart-<dimension>)."""
    found = re.findall(r'<script id="crt-chart-([a-z_]+)" type="application/json">(.*?)</script>', body, re.S)
    return {dimension: json.loads(text) for dimension, text in found}


@pytest.fixture
def known(register, frozen_now):
    """8 women in Gent, 7 men in Antwerpen (registered on 1 March 2024), born 1980–1994."""
    frozen_now(dt.datetime(2024, 3, 1, 10))
    for i in range(15):
        birth = dt.date(1980 + i, 1, 1)
        women = i < 8
        register(first_name=f"Voornaam{i}", last_name=f"Achternaam{i}", birth_date=birth,
                 national_number=generate_number(birth, 2 * i + 2), sex="F" if women else "M",
                 **({} if women else {"municipality_refnis": "11002", "postal_code": ""}))


@pytest.mark.django_db(databases=["default", "crt"])
def test_known_figures_in_the_page_the_chart_json_and_the_export(client, login, make_user, known):
    login(make_user(CrtRoles.REPORTING))
    body = client.get(reverse("crt:reports"), {"datum": DAY.isoformat()}).content.decode()
    charts = charts_in(body)
    assert set(charts) == set(DIMENSIONS)
    # Sex: F 8, M 7, X 0. X (none) is hidden, so the smallest visible cell (M) too; F 8 -> 10.
    sex = charts["sex"]
    assert sex["labels"] == ["vrouw", "man", "andere"]
    assert sex["series"][0]["data"] == [10, None, None] and sex["suppressed_label"] == SUPPRESSED
    # Municipalities: the 283 empty ones are hidden (0 together), Antwerpen 7 with them; Gent 8 -> 10.
    municipality = charts["municipality"]
    assert municipality["labels"] == ["Gent"] and municipality["series"][0]["data"] == [10]
    assert municipality["horizontal"] is True
    # Registrations per month: every month since March 2022; all 15 in March 2024, every other
    # month empty (hidden, 0 together), so March 2024 is hidden too: the chart has gaps, the label "x".
    month = charts["month"]
    assert month["labels"][0] == "2022-03" and month["labels"][-1] == "2024-03" and len(month["labels"]) == 25
    assert set(month["series"][0]["data"]) == {None}
    # The table alternative shows the same figures.
    assert re.search(r"<td>vrouw</td><td[^>]*>10</td>", body) and re.search(r"<td>man</td><td[^>]*>x</td>", body)
    # The export of the same table.
    csv = client.get(reverse("crt:report_export", args=["sex"]), {"datum": DAY.isoformat()}).content.decode()
    assert "vrouw;10" in csv and "man;x" in csv and "Totaal;15" in csv
    assert "Voornaam" not in body and "Achternaam" not in body and "Veldstraat" not in body


@pytest.mark.django_db(databases=["default", "crt"])
def test_no_chart_holds_a_true_count_or_a_cell_the_table_hides(known):
    for table in report_tables(DAY):
        chart = table.chart_json()
        shown = {r.label: r.value for r in table.rows}
        for label, value in zip(chart["labels"], chart["series"][0]["data"], strict=True):
            assert shown[label] == value  # the published figure, None where the table shows x
            assert value is None or value % 5 == 0  # rounded: the true 8 and 7 never leave the server
        if table.dimension == "municipality":
            assert None not in chart["series"][0]["data"]  # a hidden municipality is not charted at all


@pytest.mark.django_db(databases=["default", "crt"])
def test_charts_are_not_served_to_the_hvt_realm(client, login, make_user, known):
    login(make_user("hvt_coordinator"))
    response = client.get(reverse("crt:reports"), {"datum": DAY.isoformat()})
    assert response.status_code in (403, 404) and "crt-chart" not in response.content.decode()


@pytest.mark.django_db(databases=["default", "crt"])
def test_the_municipality_table_and_the_guidance_count_are_one_definition(known, frozen_now):
    """Both count by the address period on the date: a later move changes neither for a past date."""
    from crt.models import Dossier
    from crt.reporting import _counts
    from crt.selectors import registered_persons_per_municipality
    from crt.services import address_move

    frozen_now(dt.datetime(2024, 5, 1, 10))
    for dossier in Dossier.objects.using("crt").filter(person__municipality_refnis="11002")[:3]:
        address_move(person=dossier.person, municipality_refnis="44021", moved_on=dt.date(2024, 4, 1))
    for day, expected in ((DAY, {"44021": 8, "11002": 7}), (dt.date(2024, 4, 1), {"44021": 11, "11002": 4})):
        cells, _labels = _counts("municipality", day)
        assert {k: v for k, v in cells.items() if v} == registered_persons_per_municipality(day) == expected
