"""The data-quality report (issue 11, hvt.quality): each item found on a planted example and not
on a clean one, the scope of every viewer, the CRT count through the registry hook, the weekly
trend, the command's JSON contract, the page, its export and a statement count that does not grow
with the data."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Roles
from hvt import quality, services
from hvt.models import PlaceOffer
from hvt.quality import UNASSIGNED
from tests.hvt.helpers import ANTWERPEN, ANTWERPEN_POSTAL, GENT, HASSELT, HASSELT_POSTAL, allocate, register, validated

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

TODAY = dt.date(2024, 3, 1)
OOST_VLAANDEREN, LIMBURG = "40000", "70000"


@pytest.fixture
def today(frozen_now):
    frozen_now(dt.datetime(2024, 3, 1, 10, 0))
    return TODAY


def offer(municipality=GENT, postal="9000", *, created: dt.datetime, status="offered", decided=None):
    from tests.factories import make_user

    author = make_user(Roles.PORTAL_USER)
    o = PlaceOffer.objects.create(municipality_id=municipality, offered_by=author, street="Aanbodstraat",
                                  house_number="2", postal_code=postal, operator="X", capacity=2,
                                  available_from=dt.date(2022, 4, 1), status=status, decided_at=decided)
    PlaceOffer.objects.filter(pk=o.pk).update(created_at=created)  # auto_now_add: planted afterwards
    return o


def brussels(*args):
    from core.clock import BRUSSELS

    return dt.datetime(*args, tzinfo=BRUSSELS)


def counts(day=TODAY, **kwargs):
    return quality.report_json(day=day, **kwargs)


def test_offer_waiting_more_than_14_days_is_found_and_a_recent_or_decided_one_is_not(today):
    old = offer(created=brussels(2024, 2, 15, 12))  # 15 days before 1 March
    offer(created=brussels(2024, 2, 16, 12))  # 14 days: not yet
    offer(created=brussels(2024, 1, 1, 12), status="validated", decided=brussels(2024, 2, 1, 12))
    assert counts()[GENT]["offers_waiting"] == 1
    PlaceOffer.objects.filter(pk=old.pk).update(status="rejected", decided_at=brussels(2024, 2, 29, 9))
    assert GENT not in counts()


def test_registered_place_without_check_is_found_and_a_checked_or_validated_one_is_not(today, gent_officer):
    place = register(gent_officer, street="Zonder controle")
    validated(gent_officer, street="Gecontroleerd")
    assert counts()[GENT]["places_without_check"] == 1
    services.quality_check_record(actor=gent_officer, place=place, checked_on=TODAY, inspector="I",
                                  no_category_3_defects=False, no_critical_category_2_defects=True,
                                  not_uninhabitable=True, no_overcrowding=True)
    assert counts()[GENT]["places_without_check"] == 0  # a check recorded, even a failed one
    assert counts()[GENT]["idle_places"] == 1  # the validated place, never allocated


def test_duplicate_addresses_count_every_place_involved_and_ignore_closed_ones(today, gent_officer):
    validated(gent_officer, street="Kouter", house_number="5")
    validated(gent_officer, street="kouter ", house_number="5")  # same address, other spelling
    register(gent_officer, street="Kouter", house_number="5")
    validated(gent_officer, street="Kouter", house_number="6")  # another number: clean
    assert counts()[GENT]["duplicate_addresses"] == 3


def test_the_address_key_follows_every_write_of_the_address(today, gent_officer):
    """The compared address is computed by the database (``ReceptionPlace.address_key``): a
    correction through the service and a bulk update alike move a place to or from a shared address."""
    from hvt.models import ReceptionPlace

    first = validated(gent_officer, street="Kouter", house_number="5")
    second = validated(gent_officer, street="Veldstraat", house_number="5")
    assert counts().get(GENT, {}).get("duplicate_addresses", 0) == 0
    services.place_update(actor=gent_officer, place=second, street="  kOUTER ")
    assert ReceptionPlace.objects.get(pk=second.pk).address_key == "9000|KOUTER|5"
    assert counts()[GENT]["duplicate_addresses"] == 2
    ReceptionPlace.objects.filter(pk=first.pk).update(house_number="7")  # a path without a service
    assert counts().get(GENT, {}).get("duplicate_addresses", 0) == 0


def test_a_single_place_per_address_is_clean(today, gent_officer):
    validated(gent_officer, street="Kouter", house_number="5")
    validated(gent_officer, street="Kouter", house_number="5", postal_code="9030")  # another postal code
    assert counts().get(GENT, {}).get("duplicate_addresses", 0) == 0


def test_idle_place_is_found_and_an_allocated_or_young_one_is_not(today, gent_officer):
    idle = validated(gent_officer, street="Leeg", start_date=dt.date(2023, 6, 1))
    used = validated(gent_officer, street="Gebruikt", start_date=dt.date(2023, 6, 1))
    allocate(gent_officer, used, start=dt.date(2023, 7, 1), end=dt.date(2023, 8, 1))
    validated(gent_officer, street="Jong", start_date=dt.date(2024, 1, 1))  # 60 days old
    assert counts()[GENT]["idle_places"] == 1
    allocate(gent_officer, idle, start=dt.date(2024, 2, 1))
    assert GENT not in counts()


def test_the_weekly_trend_follows_the_rows_dates(today, gent_officer):
    offer(created=brussels(2024, 1, 2, 12), status="validated", decided=brussels(2024, 2, 10, 12))
    report = quality.report_for_user(gent_officer, day=TODAY, weeks=12)
    waiting = {p["day"]: p["offers_waiting"] for p in report["trend"]}
    assert waiting[dt.date(2024, 1, 12)] == 0  # 10 days old
    assert waiting[dt.date(2024, 1, 19)] == 1
    assert waiting[dt.date(2024, 2, 9)] == 1
    assert waiting[dt.date(2024, 2, 16)] == 0  # decided on 10 February
    assert report["rows"] == []  # nothing open today


def test_an_officer_of_gent_never_sees_another_municipality(today, gent_officer, coordinator):
    register(gent_officer, street="Gent zonder controle")
    register(coordinator, municipality=HASSELT, postal_code=HASSELT_POSTAL, street="Hasselt zonder controle")
    offer(HASSELT, HASSELT_POSTAL, created=brussels(2024, 1, 1, 12))
    gent = quality.report_for_user(gent_officer, day=TODAY)
    assert [r["refnis"] for r in gent["rows"]] == [GENT]
    assert gent["totals"]["offers_waiting"] == 0
    everything = quality.report_for_user(coordinator, day=TODAY)
    assert {r["refnis"] for r in everything["rows"]} == {GENT, HASSELT}


def test_vlot_of_one_province_never_sees_another_province(today, make_user, coordinator):
    vlot = make_user(Roles.HVT_VLOT, username="vlot-ovl", provinces=[OOST_VLAANDEREN])
    register(coordinator, street="Gent")
    register(coordinator, municipality=ANTWERPEN, postal_code=ANTWERPEN_POSTAL, street="Antwerpen")
    register(coordinator, municipality=HASSELT, postal_code=HASSELT_POSTAL, street="Hasselt")
    report = quality.report_for_user(vlot, day=TODAY)
    assert [r["refnis"] for r in report["rows"]] == [GENT]
    assert report["totals"]["places_without_check"] == 1


def test_command_prints_the_json_contract(today, gent_officer, coordinator):
    register(gent_officer, street="Zonder controle")
    validated(gent_officer, street="Leeg", start_date=dt.date(2023, 1, 1))
    register(coordinator, municipality=HASSELT, postal_code=HASSELT_POSTAL, street="Hasselt")
    out = io.StringIO()
    call_command("data_quality_report", "--json", "--date", "2024-03-01", stdout=out)
    data = json.loads(out.getvalue())
    assert data[GENT] == {"offers_waiting": 0, "places_without_check": 1, "duplicate_addresses": 0,
                          "idle_places": 1, "persons_without_municipality": 0}
    assert data[HASSELT]["places_without_check"] == 1
    assert ANTWERPEN not in data  # no open item: left out
    out = io.StringIO()
    call_command("data_quality_report", "--json", "--municipality", HASSELT, "--date", "2024-03-01", stdout=out)
    assert list(json.loads(out.getvalue())) == [HASSELT]


def test_command_keys_are_only_refnis_codes(today, gent_officer):
    """Persons no municipality can be given stay out of the JSON (its keys are REFNIS codes)."""
    _count_change("1", 5, dimension="organisation")
    _count_change(GENT, 2)
    register(gent_officer, street="Zonder controle")
    out, err = io.StringIO(), io.StringIO()
    call_command("data_quality_report", "--json", stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert GENT in data and all(key.isdigit() and len(key) == 5 for key in data), data
    assert "persons_without_municipality=3" in err.getvalue()


def test_statement_count_does_not_grow_with_the_data(today, gent_officer, coordinator):
    def statements():
        with CaptureQueriesContext(connection) as default, CaptureQueriesContext(connections["crt"]) as crt:
            quality.report_for_user(coordinator, day=TODAY)
        return len(default.captured_queries) + len(crt.captured_queries)

    register(gent_officer, street="A")
    statements()  # the user's roles are cached on the user after the first call
    small = statements()
    assert small <= 6  # places, offers, the CRT sum, two geo maps, the names
    for i in range(15):
        validated(gent_officer, street="Kouter", house_number=str(i % 3), start_date=dt.date(2023, 1, 1))
        offer(created=brussels(2024, 1, 1 + i, 12))
    assert statements() == small


# --- the CRT count, through the registry hook ---------------------------------------------------------

def _count_change(key, n, *, dimension="municipality", day=dt.date(2024, 1, 1)):
    from crt.models import CountChange

    CountChange.objects.using("crt").create(dimension=dimension, key=key, day=day, change=n)


def test_persons_without_municipality_come_as_counts_from_the_crt(today, gent_officer, coordinator):
    from geo.models import MunicipalityMerger

    retired = MunicipalityMerger.objects.exclude(old_refnis=GENT).filter(municipality_id=GENT).first()
    _count_change("1", 7, dimension="organisation")  # 7 persons registered
    _count_change(GENT, 3)  # 3 counted in Gent: fine
    if retired is not None:
        _count_change(retired.old_refnis, 1)  # 1 on a pre-2025 code of Gent: for Gent to fix
    data = counts()
    expected_gent = 1 if retired is not None else 0
    assert data.get(GENT, {}).get("persons_without_municipality", 0) == expected_gent
    assert data["unassigned"]["persons_without_municipality"] == 7 - 3 - expected_gent
    assert quality.report_for_user(coordinator, day=TODAY)["totals"]["persons_without_municipality"] == 4
    officer = quality.report_for_user(gent_officer, day=TODAY)
    assert officer["totals"]["persons_without_municipality"] == expected_gent  # never the unassigned ones


def test_a_scoped_viewer_sums_only_the_retired_codes_that_fall_to_them(today, make_user, coordinator):
    """An officer's (or VLOT's) report asks the CRT for their municipalities' retired codes only:
    the same figure as their row in the Flanders report, from the cells of those codes; an officer
    of a municipality that succeeded no code costs the CRT no statement at all."""
    from geo.models import Municipality, MunicipalityMerger

    merger = MunicipalityMerger.objects.exclude(old_refnis__in=Municipality.objects.values("pk")).first()
    if merger is None:
        pytest.skip("no retired municipality code in the reference data")
    heir = merger.municipality_id
    _count_change("1", 9, dimension="organisation")
    _count_change(merger.old_refnis, 2)
    _count_change(heir, 3)
    flanders = quality.quality_counts(user=coordinator, days=[TODAY])
    assert flanders[heir]["persons_without_municipality"] == [2]
    officer = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-heir", municipalities=[heir])
    with CaptureQueriesContext(connections["crt"]) as crt:
        mine = quality.quality_counts(user=officer, days=[TODAY])
    assert mine[heir]["persons_without_municipality"] == [2] and UNASSIGNED not in mine
    assert len(crt.captured_queries) == 1 and merger.old_refnis in crt.captured_queries[0]["sql"]
    assert "organisation" not in crt.captured_queries[0]["sql"]  # the registered persons: Flanders only
    heirs = MunicipalityMerger.objects.exclude(old_refnis__in=Municipality.objects.values("pk")).values("municipality_id")
    elsewhere = Municipality.objects.exclude(pk__in=heirs).first()  # succeeded no retired code
    other = make_user(Roles.HVT_MUNICIPAL_FULL, username="officer-elsewhere", municipalities=[elsewhere.pk])
    with CaptureQueriesContext(connections["crt"]) as crt:
        assert quality.quality_counts(user=other, days=[TODAY]) == {}
    assert crt.captured_queries == []


def test_a_clean_crt_gives_no_item(today):
    _count_change("1", 2, dimension="organisation")
    _count_change(GENT, 2)
    assert counts() == {}


# --- the page, its links and its export ---------------------------------------------------------------

def test_page_lists_items_with_links_only_where_the_viewer_may_open_the_record(today, client, login, make_user,
                                                                               gent_officer):
    place = register(gent_officer, street="Zonder controle")
    waiting = offer(created=brussels(2024, 1, 1, 12))
    login(gent_officer)
    page = client.get(reverse("hvt:data_quality") + f"?gemeente={GENT}").content.decode()
    assert reverse("hvt:place_detail", args=[place.pk]) in page
    assert reverse("hvt:offer_decide", args=[waiting.pk]) in page  # an officer decides offers
    assert 'data-code="places_without_check"' in page
    chart = json.loads(re.search(r'<script id="hvt-quality-data" type="application/json">(.*?)</script>', page).group(1))
    assert len(chart["labels"]) == 12 and chart["labels"][-1] == "01-03-2024"
    assert [s["data"][-1] for s in chart["series"]] == [1, 1, 0, 0, 0]  # the same figures as the table
    vlot = make_user(Roles.HVT_VLOT, username="vlot-ovl", provinces=[OOST_VLAANDEREN])
    client.logout()
    login(vlot)
    page = client.get(reverse("hvt:data_quality") + f"?gemeente={GENT}").content.decode()
    assert reverse("hvt:place_detail", args=[place.pk]) in page  # VLOT reads places in its provinces
    assert reverse("hvt:offer_decide", args=[waiting.pk]) not in page  # but may not open an offer
    assert f"Aanbod #{waiting.pk}" in page
    assert client.get(reverse("hvt:data_quality") + f"?gemeente={HASSELT}").status_code == 404


def test_roles_outside_the_report_get_403(today, client, login, make_user):
    login(make_user(Roles.HVT_SECURITY_AUDITOR, username="auditor"))
    assert client.get(reverse("hvt:data_quality")).status_code == 403
    assert client.get(reverse("hvt:data_quality_export")).status_code == 403


def test_export_is_scoped_neutralised_and_audited(today, client, login, gent_officer, coordinator):
    from audit.models import AuditEvent

    register(gent_officer, street="=HYPERLINK()")
    register(coordinator, municipality=HASSELT, postal_code=HASSELT_POSTAL, street="Hasselt")
    login(gent_officer)
    response = client.get(reverse("hvt:data_quality_export"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and response["Content-Type"].startswith("text/csv")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and ";44021;" in lines[1] and "Hasselt" not in text
    assert AuditEvent.objects.filter(object_type="hvt.data_quality", actor_id=gent_officer.pk).count() == 1
    trend = client.get(reverse("hvt:data_quality_export") + "?tabel=trend&formaat=xlsx")
    assert trend["Content-Type"].startswith("application/vnd.openxmlformats")


def test_municipality_page_shows_its_items(today, client, login, make_user, coordinator):
    place = register(coordinator, street="Zonder controle")
    login(coordinator)
    page = client.get(reverse("hvt:municipality_detail", args=[GENT])).content.decode()
    assert 'data-testid="municipality-quality"' in page
    assert reverse("hvt:place_detail", args=[place.pk]) in page


def test_municipality_page_without_open_items_has_no_quality_section(today, client, login, coordinator):
    from tests.hvt.helpers import make_place

    allocate(coordinator, make_place(), start=dt.date(2022, 5, 1))  # validated, checked, allocated
    login(coordinator)
    page = client.get(reverse("hvt:municipality_detail", args=[GENT])).content.decode()
    assert 'data-testid="municipality-quality"' not in page
