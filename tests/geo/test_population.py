"""Statbel population import: the shared file as downloaded, and malformed files that change nothing."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Sum

from accounts.constants import Roles
from audit.models import AuditEvent
from geo.models import PopulationFigure
from tests.core.test_pages import english_catalogue  # noqa: F401  (fixture)
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

STATBEL = settings.SHARED_DATA_DIR / "statbel-population-by-municipality-2020.csv"


def _file_row(code):
    with STATBEL.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["NIS code"] == code:
                return {k: int(row[k]) for k in ("Mannen", "Vrouwen", "Totaal")}
    raise KeyError(code)


def _import(path, year=2020, dry_run=False):
    out = io.StringIO()
    args = [str(path), "--year", str(year)] + (["--dry-run"] if dry_run else [])
    call_command("import_population", *args, stdout=out)
    return out.getvalue()


def _assert_flemish_totals_match_the_file(year=2020):
    flanders = _file_row("02000")
    figures = PopulationFigure.objects.filter(year=year)
    assert figures.count() == 285
    sums = figures.aggregate(men=Sum("men"), women=Sum("women"), total=Sum("total"))
    assert sums == {"men": flanders["Mannen"], "women": flanders["Vrouwen"], "total": flanders["Totaal"]}
    assert sums["total"] == 6629143
    antwerpen = figures.get(municipality_id="11002")
    assert antwerpen.total == _file_row("11002")["Totaal"] + _file_row("11007")["Totaal"] == 540196
    assert antwerpen.men == _file_row("11002")["Mannen"] + _file_row("11007")["Mannen"]
    gent = figures.get(municipality_id="44021")
    assert gent.total == _file_row("44021")["Totaal"]


def test_import_of_the_shared_statbel_file_matches_the_flemish_region_row():
    output = _import(STATBEL)
    assert "285 gemeenten voor 2020" in output
    _assert_flemish_totals_match_the_file()
    event = AuditEvent.objects.get(action="import", object_type="geo.populationfigure")
    assert event.changes["year"] == 2020
    assert event.changes["municipalities"] == 285
    assert event.changes["total"] == 6629143


def test_dry_run_stores_nothing_and_reimport_is_idempotent():
    assert "Proef" in _import(STATBEL, dry_run=True)
    assert not PopulationFigure.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()
    _import(STATBEL)
    _import(STATBEL)
    _assert_flemish_totals_match_the_file()


def _malformed(tmp_path, kind):
    lines = STATBEL.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    index = {r.split(",")[0]: i for i, r in enumerate(rows)}
    if kind == "bad_number":
        rows[index["44021"]] = "44021,Gent,12x456,134000,260341"
        expected = ["NIS-code 44021", "gehele getallen"]
    elif kind == "sum":
        row = rows[index["11002"]].split(",")
        row[4] = str(int(row[4]) + 1)
        rows[index["11002"]] = ",".join(row)
        expected = ["NIS-code 11002", "≠ totaal"]
    elif kind == "header":
        header = "Code,Gemeente,M,V,Totaal"
        expected = ["Onverwachte kolommen"]
    else:  # two bad rows: both reported with their line numbers
        rows[index["44021"]] = "44021,Gent,abc,1,2"
        rows[index["71022"]] = "71022,Hasselt,1,1,5"
        expected = [f"rij {index['44021'] + 2}", f"rij {index['71022'] + 2}"]
    path = tmp_path / f"{kind}.csv"
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path, expected


@pytest.mark.parametrize("kind", ["bad_number", "sum", "header", "two_bad_rows"])
def test_a_malformed_file_changes_nothing_and_reports_the_bad_rows(tmp_path, kind):
    _import(STATBEL)
    before = list(PopulationFigure.objects.order_by("pk").values_list("pk", "municipality_id", "year", "total"))
    path, expected = _malformed(tmp_path, kind)
    with pytest.raises(CommandError) as excinfo:
        _import(path)
    message = str(excinfo.value)
    assert "Niets opgeslagen" in message
    for fragment in expected:
        assert fragment in message
    # only the bad rows are reported, not every row of the file
    assert "mag niet leeg zijn" not in message
    assert len(message.splitlines()) <= 3
    after = list(PopulationFigure.objects.order_by("pk").values_list("pk", "municipality_id", "year", "total"))
    assert after == before
    assert AuditEvent.objects.filter(action="import").count() == 1  # the good import only
    # also for a year that had no figures: nothing is created
    with pytest.raises(CommandError):
        _import(path, year=2021)
    assert not PopulationFigure.objects.filter(year=2021).exists()


# --- the admin, as a coordinator: a stored import, checked and then run by core's import task ---------------

IMPORT_URL = "/beheer/geo/populationfigure/import/"


@pytest.fixture
def coordinator(login):
    return login(make_user(Roles.HVT_COORDINATOR, is_staff=True))


def _upload(client, capture, path, year="2020"):
    """POST the upload; the check task runs when the request commits. Returns (response, Import or None)."""
    from core.models import Import

    with path.open("rb") as fh, capture(execute=True):
        response = client.post(IMPORT_URL, {"year": year, "import_file": fh})
    return response, Import.objects.order_by("pk").last()


def test_admin_import_form_shows_the_reference_year_field(coordinator):
    response = coordinator.get(IMPORT_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="year"' in body
    assert "Referentiejaar" in body


def test_admin_import_previews_then_confirms_with_the_year(coordinator, django_capture_on_commit_callbacks):
    response, imp = _upload(coordinator, django_capture_on_commit_callbacks, STATBEL, year="2020")
    assert response.status_code == 302 and response.headers["Location"] == f"/beheer/core/import/{imp.pk}/change/"
    assert imp.status == "ready", imp.error
    assert imp.options == {"year": 2020}
    assert not PopulationFigure.objects.exists()  # the check is a dry run
    assert not AuditEvent.objects.filter(action="import").exists()
    page = coordinator.get(response.headers["Location"])
    body = page.content.decode()
    assert page.context["may_confirm"] and "<dt>Referentiejaar (bevolking op 1 januari)</dt><dd>2020</dd>" in body
    preview = page.context["report"]
    assert preview["headers"] == ["refnis", "year", "men", "women", "total"]  # the figures as they will be stored
    assert len(preview["preview"]) == 20 and {row[1] for row in preview["preview"]} == {"2020"}
    with django_capture_on_commit_callbacks(execute=True):
        done = coordinator.post(f"/beheer/core/import/{imp.pk}/bevestigen/")
    assert done.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "done" and imp.counts == {"new": 285}
    _assert_flemish_totals_match_the_file(year=2020)
    assert not PopulationFigure.objects.exclude(year=2020).exists()
    event = AuditEvent.objects.get(action="import", object_type="geo.populationfigure")
    assert event.actor_username.startswith("user") and event.actor_id is not None
    assert event.changes["file"] == "statbel-population-by-municipality-2020.csv"
    assert "/beheer/geo/populationfigure/" in coordinator.get(done.headers["Location"]).content.decode()


def test_admin_import_of_a_malformed_file_shows_the_errors_and_stores_nothing(coordinator, tmp_path,
                                                                              django_capture_on_commit_callbacks):
    path, expected = _malformed(tmp_path, "two_bad_rows")
    response, imp = _upload(coordinator, django_capture_on_commit_callbacks, path)
    assert imp.status == "failed"
    page = coordinator.get(response.headers["Location"])
    assert page.status_code == 200 and not page.context["may_confirm"]
    body = page.content.decode()
    for fragment in expected:
        assert fragment in body
    assert "mag niet leeg zijn" not in body
    assert not PopulationFigure.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_admin_import_without_a_year_is_refused(coordinator, django_capture_on_commit_callbacks):
    response, imp = _upload(coordinator, django_capture_on_commit_callbacks, STATBEL, year="")
    assert response.status_code == 200 and imp is None
    assert "year" in response.context["form"].errors
    assert not PopulationFigure.objects.exists()


def test_municipal_officer_cannot_reach_the_import(login):
    client = login(make_user(Roles.HVT_MUNICIPAL_FULL, municipalities=["44021"], is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403


@pytest.mark.usefixtures("english_catalogue")
def test_import_errors_are_translated_for_an_english_user(coordinator, tmp_path, django_capture_on_commit_callbacks):
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path, _ = _malformed(tmp_path, "bad_number")
    response, imp = _upload(coordinator, django_capture_on_commit_callbacks, path)
    assert imp.language == "en"
    body = coordinator.get(response.headers["Location"]).content.decode()
    assert "NIS code 44021: counts must be whole numbers." in body
    assert "The file was not imported; no row was saved." in body
    assert not PopulationFigure.objects.exists()
