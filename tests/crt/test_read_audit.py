"""Every CRT page that shows persons writes one audit event naming them (issue 10, findings 3, 4, 8).

Finding 3: bulk reads (the case managers' list and search, the CRT admin changelist, its ``?q=``
search, the ``_popup`` picker, the admin autocomplete) showed names and birth dates without an
event. Finding 4: a number search confirmed an identity without a reveal event. Finding 8: a GET
of ``/crt/dossiers/<pk>/gegevens/`` revealed contact data and wrote ``identity_revealed``, so
another site could make a case manager's browser do it.
"""

import datetime as dt

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.constants import AuditActions
from crt.admin import crt_admin_site
from crt.constants import CrtRoles
from crt.models import AuditEvent, AuditEventPerson, Dossier
from crt.numbers import generate_number
from tests.crt.conftest import person_input

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

NUMBER = generate_number(dt.date(1985, 7, 30), 34)  # the conftest's default person


def _persons(event) -> set[int]:
    return set(AuditEventPerson.objects.using("crt").filter(event=event).values_list("person_id", flat=True))


def _new_events(before: int):
    return list(AuditEvent.objects.using("crt").filter(pk__gt=before).order_by("pk"))


def _last_pk() -> int:
    return AuditEvent.objects.using("crt").order_by("-pk").values_list("pk", flat=True).first() or 0


def _register_many(register, n: int, *, start: int = 0, **overrides):
    out = []
    for i in range(start, start + n):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=37 * i)
        out.append(register(first_name=f"Persoon{i}", last_name=f"Familie{i}", birth_date=birth,
                            national_number=generate_number(birth, 2 + 2 * (i % 400)), **overrides))
    return out


def _queries(fn) -> int:
    with CaptureQueriesContext(connections["default"]) as default, CaptureQueriesContext(connections["crt"]) as crt:
        fn()
    return len(default) + len(crt)


@pytest.fixture
def central_admin(make_user):
    return make_user(CrtRoles.CENTRAL_ADMIN, username="crt-central")


@pytest.fixture
def auditor(make_user):
    return make_user(CrtRoles.SECURITY_AUDITOR, username="crt-auditor")


# --- finding 3: the case managers' pages -----------------------------------------------------------

def test_dossier_list_writes_one_event_naming_only_the_page_rows(client, login, case_manager, register, other_org,
                                                                 other_case_manager):
    own = _register_many(register, 52)
    elsewhere = register(actor=other_case_manager, organisation=other_org, first_name="Elders",
                         birth_date=dt.date(1999, 9, 9), national_number=generate_number(dt.date(1999, 9, 9), 20))
    login(case_manager)
    before = _last_pk()
    body = client.get(reverse("crt:dossier_list")).content.decode()
    [event] = _new_events(before)
    shown_on_page = {d.person_id for d in own if d.number in body}
    assert len(shown_on_page) == 50  # the first page: 50 of the 52
    assert event.actor_id == case_manager.pk and event.action == AuditActions.VIEW
    assert event.changes["purpose"] == "lijst" and event.reason == "lijst"
    assert _persons(event) == shown_on_page and elsewhere.person_id not in _persons(event)

    before = _last_pk()
    body = client.get(reverse("crt:dossier_list") + "?pagina=2").content.decode()
    [event] = _new_events(before)
    assert _persons(event) == {d.person_id for d in own if d.number in body} and len(_persons(event)) == 2


def test_dossier_list_query_count_does_not_grow_with_the_rows(client, login, case_manager, register):
    login(case_manager)
    _register_many(register, 3)
    client.get(reverse("crt:dossier_list"))  # warm the per-session caches
    few = _queries(lambda: client.get(reverse("crt:dossier_list")))
    _register_many(register, 20, start=3)
    many = _queries(lambda: client.get(reverse("crt:dossier_list")))
    assert few == many
    assert AuditEventPerson.objects.using("crt").filter(event=AuditEvent.objects.using("crt").latest("pk")).count() == 23


def test_text_search_writes_one_event_with_the_persons_and_never_the_term(client, login, case_manager, register):
    kovalenko = register()
    other = register(first_name="Ivan", last_name="Shevchenko", birth_date=dt.date(1990, 1, 1),
                     national_number=generate_number(dt.date(1990, 1, 1), 41))
    login(case_manager)
    before = _last_pk()
    client.post(reverse("crt:dossier_search"), {"text": "Kovalenko"})
    [event] = _new_events(before)
    assert event.action == AuditActions.LOOKUP and event.changes["search"] is True and event.changes["by"] == "text"
    assert event.changes["purpose"] == "zoekopdracht"
    assert _persons(event) == {kovalenko.person_id} and other.person_id not in _persons(event)
    assert "Kovalenko" not in repr(event.changes) + event.object_repr + event.reason
    assert not event.changes.get("identity_revealed")


# --- finding 4: the mask and the number search ------------------------------------------------------

def test_dossier_page_shows_no_digit_of_the_number(client, login, case_manager, register):
    import re

    dossier = register()
    login(case_manager)
    body = client.get(reverse("crt:dossier_detail", args=[dossier.pk])).content.decode()
    shown = re.search(r'id="person-number">([^<]*)<', body).group(1)
    assert shown == "••.••.••-•••.••" and not any(ch.isdigit() for ch in shown)
    # The check digits were the leak: no run of digits ending in them stands alone in the page
    # (the dossier reference, e.g. "2026-001927", may end in the same two digits by chance).
    without_reference = body.replace(dossier.number, "")
    assert NUMBER[-2:] + "<" not in without_reference


def test_number_search_that_finds_the_person_is_audited_as_a_reveal(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    before = _last_pk()
    body = client.post(reverse("crt:dossier_search"), {"number": NUMBER}).content.decode()
    assert dossier.number in body  # the search confirmed who this is …
    [event] = _new_events(before)
    # … so it is an identity reveal with its reason, naming the person, without the number.
    assert event.action == AuditActions.VIEW and event.changes["identity_revealed"] is True
    assert event.reason == "zoeken op rijksregisternummer" and event.actor_id == case_manager.pk
    assert event.object_type == "crt.dossier" and event.object_id == str(dossier.pk)
    assert _persons(event) == {dossier.person_id} and event.changes["by"] == "number"
    assert NUMBER not in repr(event.changes) + event.object_repr + event.reason

    # A number that finds nobody confirms nothing: a search event, not a reveal.
    before = _last_pk()
    client.post(reverse("crt:dossier_search"), {"number": generate_number(dt.date(1970, 2, 2), 77)})
    [event] = _new_events(before)
    assert event.action == AuditActions.LOOKUP and "identity_revealed" not in event.changes and not _persons(event)


def test_duplicate_warning_on_the_same_number_is_a_reveal(client, login, case_manager, register):
    from crt.services import PossibleDuplicate, person_register

    existing = register()
    before = _last_pk()
    with pytest.raises(PossibleDuplicate):
        person_register(actor=case_manager, organisation=existing.organisation, confirm_duplicate=False,
                        data=person_input(first_name="Ander", last_name="Iemand"))
    [event] = _new_events(before)
    assert event.changes["identity_revealed"] is True and _persons(event) == {existing.person_id}
    assert event.reason == "dubbele registratie: zelfde rijksregisternummer"


# --- finding 8: reveals only on a POST with a reason -------------------------------------------------

def _csrf_client(user) -> Client:
    """A browser that carries the case manager's session but not the page's CSRF token: what
    another site can make it send."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = browser.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return browser


def test_cross_site_requests_reveal_nothing_and_write_nothing(case_manager, register):
    dossier = register()
    browser = _csrf_client(case_manager)
    url = reverse("crt:person_update", args=[dossier.pk])
    before = _last_pk()

    page = browser.get(url)  # an <img src> or a link on another site
    body = page.content.decode()
    assert page.status_code == 200 and "+32 470 12 34 56" not in body and "olena@example.invalid" not in body
    assert 'name="reveal-reason"' in body and 'name="action" value="open"' in body  # only the question why

    for target, data in [(url, {"action": "open", "reveal-reason": "correction"}),
                         (reverse("crt:dossier_reveal", args=[dossier.pk]), {"reveal-reason": "contact"})]:
        response = browser.post(target, data)  # a form on another site: no CSRF token
        assert response.status_code == 403
        assert "+32 470" not in response.content.decode()
    assert not AuditEvent.objects.using("crt").filter(pk__gt=before).exists()


def test_reveal_needs_a_reason_and_is_audited_once(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    url = reverse("crt:person_update", args=[dossier.pk])
    before = _last_pk()
    response = client.post(url, {"action": "open", "reveal-reason": ""})
    assert response.status_code == 400 and "+32 470" not in response.content.decode()
    assert not _new_events(before)

    response = client.post(url, {"action": "open", "reveal-reason": "contact"})
    assert response.status_code == 200 and 'value="+32 470 12 34 56"' in response.content.decode()
    [event] = _new_events(before)
    assert event.changes["identity_revealed"] is True and event.reason == "Contact opnemen met de persoon"
    assert _persons(event) == {dossier.person_id}


def test_reveal_outside_the_organisation_is_not_found_and_writes_nothing(client, login, other_case_manager, register):
    dossier = register()
    login(other_case_manager)
    before = _last_pk()
    for url, data in [(reverse("crt:person_update", args=[dossier.pk]), {"action": "open", "reveal-reason": "contact"}),
                      (reverse("crt:dossier_reveal", args=[dossier.pk]), {"reveal-reason": "contact"})]:
        response = client.post(url, data)
        assert response.status_code == 404 and "+32 470" not in response.content.decode()
    assert client.get(reverse("crt:person_update", args=[dossier.pk])).status_code == 404
    assert not _new_events(before)


def test_dossier_page_names_the_household_members_it_lists(client, login, case_manager, register):
    head = register()
    child_birth = dt.date(2015, 5, 5)
    child = register(first_name="Taras", birth_date=child_birth, national_number=generate_number(child_birth, 43),
                     household_of=head)
    login(case_manager)
    before = _last_pk()
    body = client.get(reverse("crt:dossier_detail", args=[head.pk])).content.decode()
    assert "Taras" in body
    [event] = _new_events(before)
    assert _persons(event) == {head.person_id, child.person_id} and event.object_id == str(head.pk)
    # Revealing on that page is one event as well (the reveal), not two.
    before = _last_pk()
    client.post(reverse("crt:dossier_reveal", args=[head.pk]), {"reveal-reason": "contact"})
    [event] = _new_events(before)
    assert event.changes["identity_revealed"] is True and _persons(event) == {head.person_id, child.person_id}


# --- finding 3: the CRT admin ----------------------------------------------------------------------------

def test_admin_changelist_search_and_popup_each_write_one_event(client, login, central_admin, register, monkeypatch):
    dossiers = _register_many(register, 3)
    kovalenko = register()
    monkeypatch.setattr(crt_admin_site._registry[Dossier], "list_per_page", 3)
    login(central_admin)
    url = reverse("crt_admin:crt_dossier_changelist")
    for query, purpose, search in [("", "lijst", False), ("?q=Kovalenko", "zoekopdracht", True),
                                   ("?_popup=1&_to_field=id", "popup", False),
                                   ("?_popup=1&_to_field=id&q=Familie", "popup", True)]:
        before = _last_pk()
        body = client.get(url + query).content.decode()
        [event] = _new_events(before)
        shown = {d.person_id for d in [*dossiers, kovalenko] if d.number in body}
        assert shown and _persons(event) == shown, query
        assert len(shown) <= 3  # the page's rows, not the whole table
        assert event.changes["purpose"] == purpose and event.changes["search"] is search, query
        assert event.actor_id == central_admin.pk and event.object_type == "crt.dossier"
        assert "Kovalenko" not in repr(event.changes) + event.object_repr and "Familie" not in repr(event.changes)
    assert _persons(AuditEvent.objects.using("crt").filter(changes__purpose="zoekopdracht").get()) == {kovalenko.person_id}


def test_admin_autocomplete_writes_one_event_naming_the_answer(client, login, central_admin, register):
    kovalenko = register()
    other = register(first_name="Ivan", last_name="Shevchenko", birth_date=dt.date(1990, 1, 1),
                     national_number=generate_number(dt.date(1990, 1, 1), 41))
    login(central_admin)
    before = _last_pk()
    response = client.get(reverse("crt_admin:autocomplete"), {"app_label": "crt", "model_name": "transfer",
                                                              "field_name": "dossier", "term": "Kovalenko"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [kovalenko.number]
    [event] = _new_events(before)
    assert event.changes["purpose"] == "autocomplete" and event.changes["search"] is True
    assert _persons(event) == {kovalenko.person_id} and other.person_id not in _persons(event)
    assert "Kovalenko" not in repr(event.changes) + event.object_repr

    # Autocomplete on a model without persons (organisations) writes nothing.
    before = _last_pk()
    response = client.get(reverse("crt_admin:autocomplete"), {"app_label": "crt", "model_name": "dossier",
                                                              "field_name": "organisation", "term": ""})
    assert response.status_code == 200 and not _new_events(before)


def test_admin_changelist_query_count_does_not_grow_with_the_rows(client, login, central_admin, register):
    login(central_admin)
    url = reverse("crt_admin:crt_dossier_changelist")
    _register_many(register, 3)
    client.get(url)
    few = _queries(lambda: client.get(url))
    _register_many(register, 20, start=3)
    many = _queries(lambda: client.get(url))
    assert few == many


def test_admin_transfer_pages_name_the_person(client, login, central_admin, register, other_org):
    from crt.services import dossier_transfer

    dossier = register()
    transfer = dossier_transfer(actor=central_admin, dossier=dossier, to_organisation=other_org, reason="verhuisd")
    login(central_admin)
    for url in [reverse("crt_admin:crt_transfer_changelist"), reverse("crt_admin:crt_transfer_change", args=[transfer.pk])]:
        before = _last_pk()
        assert client.get(url).status_code == 200
        [event] = _new_events(before)
        assert _persons(event) == {dossier.person_id}, url


# --- "who saw person X": the CRT security auditor ---------------------------------------------------------

def test_auditor_finds_everyone_who_saw_a_person(client, login, case_manager, central_admin, auditor, register):
    target = register()
    bystander = register(first_name="Ivan", last_name="Shevchenko", birth_date=dt.date(1990, 1, 1),
                         national_number=generate_number(dt.date(1990, 1, 1), 41))
    login(case_manager)
    client.get(reverse("crt:dossier_list"))  # both on the list
    client.post(reverse("crt:dossier_search"), {"text": "Shevchenko"})  # only the bystander
    login(central_admin)
    client.get(reverse("crt_admin:crt_dossier_change", args=[target.pk]))  # the target opened
    client.get(reverse("crt_admin:autocomplete"), {"app_label": "crt", "model_name": "transfer",
                                                   "field_name": "dossier", "term": "Kovalenko"})
    login(auditor)
    changelist = reverse("crt_admin:crt_auditevent_changelist")
    response = client.get(changelist, {"q": target.number.lower()})
    found = {e.pk for e in response.context["cl"].result_list}
    saw = set(AuditEventPerson.objects.using("crt").filter(person_id=target.person_id).values_list("event_id", flat=True))
    about = set(AuditEvent.objects.using("crt").filter(object_type="crt.dossier", object_id=str(target.pk))
                .values_list("pk", flat=True))
    assert found == saw | about
    purposes = {e.changes.get("purpose") for e in response.context["cl"].result_list}
    assert {"lijst", "dossier", "autocomplete"} <= purposes and "zoekopdracht" not in purposes
    assert {e.actor_username for e in response.context["cl"].result_list} >= {"cm-atlas", "crt-central"}
    # The event's own page lists the dossiers it showed, each linking to that person's events.
    list_event = AuditEvent.objects.using("crt").get(changes__purpose="lijst")
    body = client.get(reverse("crt_admin:crt_auditevent_change", args=[list_event.pk])).content.decode()
    assert target.number in body and bystander.number in body and f"?q={target.number}" in body


def test_the_persons_of_an_event_are_append_only_like_the_event(client, login, case_manager, register):
    from django.db import DatabaseError, transaction

    from audit.models import AppendOnlyError

    dossier = register()
    login(case_manager)
    client.get(reverse("crt:dossier_detail", args=[dossier.pk]))
    row = AuditEventPerson.objects.using("crt").get(person_id=dossier.person_id)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEventPerson.objects.using("crt").filter(pk=row.pk).update(person_id=999)
    with pytest.raises(AppendOnlyError):
        AuditEventPerson.objects.using("crt").all().delete()
    connection = connections["crt"]
    if connection.vendor == "postgresql":  # and the database refuses it too
        for sql in ("UPDATE crt_auditeventperson SET person_id = 999 WHERE id = %s",
                    "DELETE FROM crt_auditeventperson WHERE id = %s"):
            with pytest.raises(DatabaseError, match="append-only"):
                with transaction.atomic(using="crt"), connection.cursor() as cursor:
                    cursor.execute(sql, [row.pk])
    assert AuditEventPerson.objects.using("crt").get(pk=row.pk).person_id == dossier.person_id
