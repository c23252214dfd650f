# ruff: noqa: F811 - the fixtures of tests/hvt/test_dashboard.py are imported and used as arguments
"""The municipality page (issue 11 drill-down): its figures against its target (the dashboard's
definition), its places and current allocations paged, the budget's subsidy panel only for those who
may read subsidies (through core.registry: hvt does not import budget), the data-quality spot, and a
statement count that does not grow with the data."""

import pytest
from django.urls import reverse

from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, allocate, validated
from tests.hvt.test_dashboard import CAT1, fixture_data, today, vlot  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_page_shows_the_figures_against_the_target_places_and_allocations(client, login, fixture_data, vlot):
    login(vlot)
    response = client.get(reverse("hvt:municipality_detail", args=[GENT]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["available"], figures["occupied"], figures["free"], figures["target"]) == (18, 7, 11, 20)
    assert str(figures["realisation"]) == "90.0"
    html = response.content.decode()
    assert "90,0\u00a0%" in html  # Dutch decimal comma, one decimal (core.formatting.format_percent)
    assert 'data-testid="municipality-places"' in html and "Hotel" in html
    allocations = list(response.context["allocation_page"])
    assert sorted(a.household_size for a in allocations) == [3, 4]  # active today; ended and future ones left out
    assert response.context["panels"] == []  # VLOT reads no subsidies
    assert 'data-testid="municipality-subsidy"' not in html
    assert 'style="' not in html


def test_coordinator_sees_the_subsidy_panel(client, login, fixture_data, coordinator):
    login(coordinator)
    response = client.get(reverse("hvt:municipality_detail", args=[GENT]))
    assert [p["key"] for p in response.context["panels"]] == ["subsidy"]
    assert 'data-testid="municipality-subsidy"' in response.content.decode()


def test_the_quality_spot_renders_nothing_without_items(client, login, fixture_data, vlot):
    login(vlot)
    response = client.get(reverse("hvt:municipality_detail", args=[GENT]))
    assert "quality" not in response.context or not response.context["quality"]


def test_vlot_of_another_province_gets_404(client, login, fixture_data, vlot):
    login(vlot)
    assert client.get(reverse("hvt:municipality_detail", args=[ANTWERPEN])).status_code == 404


def test_statement_count_does_not_grow_with_places_and_allocations(client, login, fixture_data, coordinator, today,
                                                                   django_assert_max_num_queries):
    login(coordinator)
    url = reverse("hvt:municipality_detail", args=[GENT])
    client.get(url)
    with django_assert_max_num_queries(60) as small:
        client.get(url)
    for i in range(30):
        place = validated(coordinator, capacity=4, category=CAT1, street=f"Straat {i}")
        allocate(coordinator, place, size=1, start=today, ref=f"HH-P-{i}")
        validated(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, capacity=2, street=f"A {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["paging"]["page"]) == 25 and len(response.context["allocation_page"]) == 25


def test_allocations_page_with_numbers_and_size_and_each_list_keeps_the_others_paging(
        client, login, fixture_data, coordinator, today):
    """Issue 12: the allocation list pages as the place list does (core.paging): page numbers, a page
    size, and paging one list keeps the other list's page and any other parameter in its links."""
    import re

    for i in range(30):
        place = validated(coordinator, capacity=4, category=CAT1, street=f"Straat {i}")
        allocate(coordinator, place, size=1, start=today, ref=f"HH-P-{i}")
    login(coordinator)
    url = reverse("hvt:municipality_detail", args=[GENT])
    response = client.get(url, {"pagina": 2, "toewijzingen": 2, "x": "behouden"})
    places, allocations = response.context["paging"], response.context["allocation_paging"]
    assert places["page"].number == 2 and allocations["page"].number == 2  # each list reads its own page
    assert allocations["page"].paginator.count == 32 and len(allocations["page"]) == 7  # 30 + 2 of the fixture
    html = response.content.decode()
    pager = html[html.index('aria-label="Pagina’s van de toewijzingen"'):]
    pager = pager[:pager.index("</nav>")]
    links = re.findall(r'href="\?([^"]+)"', pager)
    assert links and all("pagina=2" in q and "x=behouden" in q and "toewijzingen_per=25" in q for q in links)
    assert any(q.endswith("toewijzingen=1") for q in links)  # page numbers, not only previous/next
    assert '<span class="page-link">2</span>' in pager  # the current page, by number
    assert 'name="toewijzingen_per"' in html and 'id="page-size-allocations"' in html
    place_links = re.findall(r'href="\?([^"]+pagina=1)"', html)
    assert place_links and all("toewijzingen=2" in q for q in place_links)  # the places' pager keeps it
    bigger = client.get(url, {"toewijzingen_per": 50}).context["allocation_paging"]
    assert bigger["size"] == 50 and len(bigger["page"]) == 32
    assert client.get(url, {"toewijzingen_per": 7}).context["allocation_paging"]["size"] == 25  # not a size offered
