"""The start page: each role's cards (core.home collects <app>/home.py), in scope, with a fixed
number of queries, nothing CRT (and no CRT query) for users without a CRT role."""

import datetime as dt

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.constants import Roles
from core.formatting import format_number, format_percent
from crt.constants import DossierStatuses, RegisterFlags
from crt.models import Dossier, Organisation, Person
from hvt.home import LAGGING_BELOW
from hvt.selectors import capacity_overview_for_user
from tests.factories import make_user
from tests.hvt.helpers import ANTWERPEN, GENT, HASSELT, allocate, make_offer, make_place, make_target

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

OOST_VLAANDEREN = "40000"


def _cards(client):
    response = client.get("/")
    assert response.status_code == 200
    return {str(c["title"]): c for c in response.context["home_cards"]}, response.content.decode()


def _hvt_data():
    """Gent: two validated places of 4 beds (2 in use), one offer; Hasselt: one place, one offer;
    the target round (every municipality: 10 beds)."""
    make_target()
    allocate(None, make_place(municipality=GENT), size=2, ref="HH-1")
    make_place(municipality=GENT)
    make_place(municipality=HASSELT, capacity=9)
    make_offer(municipality=GENT)
    make_offer(municipality=HASSELT)


def test_municipal_officer_sees_places_free_beds_queue_and_target(login):
    _hvt_data()
    cards, html = _cards(login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])))
    assert cards["Opvangplaatsen in uw gemeenten"]["value"] == 2
    assert cards["Vrije bedden vandaag"]["value"] == 6
    assert cards["Aanbod te valideren"]["value"] == 1
    assert cards["Aanbod te valideren"]["url"] == "/hvt/validatie/"
    assert cards["Uw objectief en realisatie"]["value"] == "80,0\u00a0%"
    assert "8 beschikbare bedden voor een objectief van 10" in html
    assert 'href="/hvt/validatie/"' in html
    assert "Gemeenten onder 50 %" not in cards  # steering cards are for VLOT and coordination
    assert not any(t.startswith(("Open CRT", "Signalen", "Vrije licenties")) for t in cards)
    assert 'id="nav-heading"' in html  # the navigation cards stay below


def test_an_officer_of_gent_does_not_see_hasselts_numbers(login, client):
    _hvt_data()
    gent, _ = _cards(login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT])))
    client.logout()
    hasselt, _ = _cards(login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[HASSELT])))
    assert gent["Opvangplaatsen in uw gemeenten"]["value"] == 2
    assert hasselt["Opvangplaatsen in uw gemeenten"]["value"] == 1
    assert gent["Vrije bedden vandaag"]["value"] == 6
    assert hasselt["Vrije bedden vandaag"]["value"] == 9
    assert gent["Aanbod te valideren"]["value"] == hasselt["Aanbod te valideren"]["value"] == 1
    assert hasselt["Uw objectief en realisatie"]["value"] == "90,0\u00a0%"


def test_limited_officer_has_places_but_no_target(login):
    _hvt_data()
    cards, _ = _cards(login(make_user(Roles.HVT_MUNICIPAL_LIMITED, municipalities=[GENT])))
    assert cards["Vrije bedden vandaag"]["value"] == 6
    assert "Uw objectief en realisatie" not in cards


def test_vlot_sees_realisation_and_where_to_steer(login):
    make_target()
    for _ in range(3):  # Gent: 12 of 10 beds
        make_place(municipality=GENT)
    make_place(municipality=ANTWERPEN)  # another province
    cards, html = _cards(login(make_user(Roles.HVT_VLOT, provinces=[OOST_VLAANDEREN])))
    lagging = cards["Gemeenten onder 50 %"]
    rows_with_target = int(lagging["detail"].split()[1])
    assert rows_with_target > 1
    assert lagging["value"] == rows_with_target - 1  # every municipality but Gent lags
    assert lagging["url"] == "/hvt/dashboard/?sorteer=realisatie&onder=50"
    assert 'href="/hvt/dashboard/?sorteer=realisatie&amp;onder=50"' in html
    assert cards["Opvangplaatsen in uw gebied"]["value"] == 3  # not Antwerpen's
    assert cards["Realisatie in uw gebied"]["url"] == "/hvt/dashboard/"
    assert "Aanbod te valideren" not in cards  # VLOT does not validate


def _count_queries(client, database="default"):
    with CaptureQueriesContext(connections[database]) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx)


@pytest.mark.parametrize("role, scope", [
    (Roles.HVT_MUNICIPAL_FULL, {"municipalities": [GENT]}),
    (Roles.HVT_VLOT, {"provinces": [OOST_VLAANDEREN]}),
    (Roles.HVT_COORDINATOR, {}),
])
def test_home_runs_a_constant_number_of_queries(login, django_assert_max_num_queries, role, scope):
    make_target()
    client = login(make_user(role, **scope))
    client.get("/")  # warm the per-minute caches (CRT realm check)
    for _ in range(2):
        allocate(None, make_place(municipality=GENT), ref="HH-S")
        make_offer(municipality=GENT)
    small = _count_queries(client)
    for _ in range(12):
        allocate(None, make_place(municipality=GENT), ref="HH-L")
        make_place(municipality=HASSELT)
        make_offer(municipality=GENT)
    with django_assert_max_num_queries(small):
        cards, _ = _cards(client)
    assert _count_queries(client) == small
    assert small <= 20
    assert sum(int(c["value"]) for c in cards.values() if str(c["value"]).isdigit()) > 14  # the large data is seen


def test_hvt_only_user_runs_no_query_on_the_crt_database(login):
    _hvt_data()
    client = login(make_user(Roles.HVT_COORDINATOR))
    client.get("/")  # the session's first request checks the realm once (cached for a minute)
    assert _count_queries(client, "crt") == 0
    cards, html = _cards(client)
    assert not any("CRT" in t or "rijksregister" in t for t in cards)
    assert "/crt/" not in html


def test_portal_user_sees_own_offers_by_status(login):
    offer = make_offer(municipality=GENT)
    make_offer(municipality=GENT)  # someone else's
    cards, _ = _cards(login(offer.offered_by))
    assert cards["Mijn aanbod"]["value"] == 1
    assert cards["Mijn aanbod"]["detail"] == "Aangeboden: 1 · Gevalideerd: 0 · Afgewezen: 0"
    assert cards["Mijn aanbod"]["url"] == "/hvt/aanbod/"
    assert "Vrije bedden vandaag" not in cards


def test_support_sees_free_licences_and_idle_users(login, frozen_now):
    from licensing.models import LicencePool, PlanPeriod

    frozen_now(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    period = PlanPeriod.objects.create(code="t2026", name="Test 2026", starts_on=dt.date(2026, 1, 1),
                                       ends_on=dt.date(2026, 12, 31))
    LicencePool.objects.create(period=period, tool="hvt", licence_type="full", group="local_governments", seats=5)
    make_user(last_activity=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), date_joined=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    cards, html = _cards(login(make_user(Roles.SUPPORT)))
    assert cards["Vrije licenties"]["value"] == 5
    assert cards["Vrije licenties"]["detail"] == "HVT: 5"
    idle = cards["Gebruikers 30+ dagen inactief"]
    assert idle["value"] >= 1
    assert idle["url"] == "/licenties/deactivaties/"
    assert 'href="/licenties/deactivaties/"' in html


def test_case_manager_sees_counts_of_own_organisation_only(login):
    from crt.services import person_register
    from tests.crt.conftest import person_input

    atlas = Organisation.objects.using("crt").get_or_create(code="atlas", defaults={"name": "Atlas"})[0]
    amal = Organisation.objects.using("crt").get_or_create(code="amal", defaults={"name": "Amal"})[0]
    manager = make_user(Roles.CRT_CASE_MANAGER, crt_organisation=atlas)
    other = make_user(Roles.CRT_CASE_MANAGER, crt_organisation=amal)
    moved = person_register(actor=manager, organisation=atlas, data=person_input(last_name="Een"), confirm_duplicate=True)
    closed = person_register(actor=manager, organisation=atlas, data=person_input(last_name="Twee",
                             birth_date=dt.date(1990, 1, 2)), confirm_duplicate=True)
    person_register(actor=manager, organisation=atlas, data=person_input(last_name="Drie",
                    birth_date=dt.date(1991, 1, 3)), confirm_duplicate=True)
    person_register(actor=other, organisation=amal, data=person_input(last_name="Vier",
                    birth_date=dt.date(1992, 1, 4)), confirm_duplicate=True)
    Person.objects.using("crt").filter(pk=moved.person_id).update(register_flag=RegisterFlags.MOVED)
    Person.objects.using("crt").filter(pk=closed.person_id).update(register_flag=RegisterFlags.DECEASED)
    Dossier.objects.using("crt").filter(pk=closed.pk).update(status=DossierStatuses.CLOSED)
    cards, html = _cards(login(manager))
    assert cards["Open CRT-dossiers"]["value"] == 2
    assert cards["Signalen van het rijksregister"]["value"] == 1
    assert cards["Signalen van het rijksregister"]["detail"].startswith("verhuisd: 1 · overleden: 0")
    assert "Olena" not in html and "Een" not in html  # counts only, no names
    assert "Vrije bedden vandaag" not in cards


def test_user_without_role_sees_no_cards(login):
    cards, html = _cards(login(make_user()))
    assert cards == {}
    assert 'id="today-heading"' not in html


def test_cards_in_english(login, client):
    _hvt_data()
    login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=[GENT]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    for text in ("Free beds today", "Offers to validate", "Your target and realisation", "Today"):
        assert text in html, text
    assert "Vrije bedden vandaag" not in html


@pytest.mark.parametrize("role, scope", [
    (Roles.HVT_MUNICIPAL_FULL, {"municipalities": [GENT]}),
    (Roles.HVT_VLOT, {"provinces": [OOST_VLAANDEREN]}),
    (Roles.HVT_COORDINATOR, {}),
])
def test_target_cards_show_the_dashboards_figures(login, role, scope):
    """The cards read the target list (one statement), the dashboard the whole overview: the
    realisation, the beds and the lagging count must be the same figures, for every scope."""
    make_target()
    for _ in range(3):
        make_place(municipality=GENT)
    allocate(None, make_place(municipality=GENT), size=2, ref="HH-1")  # occupied beds change no card
    make_place(municipality=ANTWERPEN, capacity=7)
    user = make_user(role, **scope)
    cards, html = _cards(login(user))
    total = capacity_overview_for_user(user)["total"]
    title = "Uw objectief en realisatie" if role == Roles.HVT_MUNICIPAL_FULL else "Realisatie in uw gebied"
    assert cards[title]["value"] == format_percent(total["realisation"])
    assert (f"{format_number(total['available'])} beschikbare bedden voor een objectief van "
            f"{format_number(total['target'])}") in html
    if role != Roles.HVT_MUNICIPAL_FULL:
        rows = capacity_overview_for_user(user)["rows"]
        assert cards["Gemeenten onder 50 %"]["value"] == sum(
            1 for r in rows if r["realisation"] is not None and r["realisation"] < LAGGING_BELOW)
