import datetime as dt

import pytest
from django.urls import reverse

from audit.constants import AuditActions
from crt.constants import DossierStatuses
from crt.models import AuditEvent, Dossier, Person
from crt.numbers import generate_number
from tests.crt.conftest import GENT

pytestmark = pytest.mark.django_db(databases=["default", "crt"])

NUMBER = generate_number(dt.date(1985, 7, 30), 34)


def form_data(**overrides):
    data = {
        "national_number": NUMBER, "first_name": "Olena", "last_name": "Kovalenko", "birth_date": "1985-07-30",
        "sex": "F", "nationality": "UA", "phone": "+32 470 12 34 56", "email": "olena@example.invalid",
        "street": "Veldstraat 1", "postal_code": "9000", "municipality_refnis": GENT,
        "certificate_number": "TB-1", "certificate_valid_from": "2022-04-01", "certificate_valid_until": "2026-03-04",
        "languages": "uk", "household_dossier": "", "household_role": "head", "action": "save",
    }
    data.update(overrides)
    return data


def test_case_manager_registers_a_person(client, login, case_manager):
    login(case_manager)
    response = client.post(reverse("crt:person_register"), form_data())
    dossier = Dossier.objects.using("crt").get()
    assert response.status_code == 302 and response.url == reverse("crt:dossier_detail", args=[dossier.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert "Olena" in body and dossier.number in body
    assert NUMBER not in body and '<dd class="col-sm-7" id="person-number">••.••.••-•••.••</dd>' in body  # masked
    assert "+32 470" not in body
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.VIEW, object_id=str(dossier.pk)).count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"national_number": "85073003329"}, "geen geldig rijksregisternummer"),
        ({"birth_date": "2999-01-01", "national_number": "85073003328"}, "in de toekomst"),
        ({"certificate_valid_until": "2021-01-01"}, "kan niet eindigen voor het begint"),
        ({"municipality_refnis": "99999"}, "99999"),
    ],
)
def test_bad_input_shows_a_dutch_error_and_stores_nothing(client, login, case_manager, overrides, message):
    login(case_manager)
    response = client.post(reverse("crt:person_register"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.using("crt").exists()


def test_duplicate_warning_then_confirm(client, login, case_manager, register):
    existing = register()
    login(case_manager)
    response = client.post(reverse("crt:person_register"), form_data(first_name="Other"))
    body = response.content.decode()
    assert "Mogelijke dubbele registratie" in body and existing.number in body
    assert Person.objects.using("crt").count() == 1
    response = client.post(reverse("crt:person_register"), form_data(first_name="Other", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Person.objects.using("crt").count() == 2


def test_duplicate_at_other_organisation_does_not_reveal_the_dossier(client, login, other_case_manager, register):
    existing = register()
    login(other_case_manager)
    response = client.post(reverse("crt:person_register"), form_data())
    body = response.content.decode()
    assert "Mogelijke dubbele registratie" in body
    assert existing.number not in body and "andere organisatie" in body


def test_lookup_fills_the_form_from_the_register(client, login, case_manager):
    login(case_manager)
    response = client.post(reverse("crt:person_register"),
                           {"action": "lookup", "national_number": NUMBER, "lookup_purpose": "registration"})
    body = response.content.decode()
    assert response.status_code == 200 and "Gegevens ingevuld uit het rijksregister" in body
    assert 'value="1985-07-30"' in body
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.LOOKUP, changes__purpose="registration").exists()
    response = client.post(reverse("crt:person_register"), {"action": "lookup", "national_number": NUMBER})
    # The service's refusal, keyed by its argument names, shows next to the form's fields.
    assert response.context["form"].errors == {"lookup_purpose": ["Kies het wettelijk doel van de opzoeking."]}
    response = client.post(reverse("crt:person_register"),
                           {"action": "lookup", "national_number": "85073003329", "lookup_purpose": "registration"})
    assert response.status_code == 200 and "geen geldig rijksregisternummer" in response.content.decode()
    assert list(response.context["form"].errors) == ["national_number"]
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.LOOKUP).count() == 1


def test_reveal_identity_is_audited(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    response = client.post(reverse("crt:dossier_reveal", args=[dossier.pk]), {"reveal-reason": "contact"})
    body = response.content.decode()
    assert "85.07.30-034." in body and "+32 470 12 34 56" in body
    event = AuditEvent.objects.using("crt").filter(action=AuditActions.VIEW, changes__identity_revealed=True).get()
    assert event.actor_id == case_manager.pk and event.reason == "Contact opnemen met de persoon"


def test_status_change_and_referral_through_the_pages(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    today = dossier.opened_on.isoformat()
    response = client.post(reverse("crt:referral_create", args=[dossier.pk]),
                           {"referral-service": "work", "referral-referred_on": today, "referral-note": "VDAB-consulent"})
    assert response.status_code == 302
    referral = dossier.referrals.get()
    response = client.post(reverse("crt:referral_outcome", args=[referral.pk]),
                           {f"outcome-{referral.pk}-outcome": "started", f"outcome-{referral.pk}-outcome_on": today})
    assert response.status_code == 302
    response = client.post(reverse("crt:dossier_status", args=[dossier.pk]),
                           {"status-status": "civic_integration", "status-effective_on": today})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatuses.CIVIC_INTEGRATION
    body = client.get(reverse("crt:dossier_detail", args=[dossier.pk])).content.decode()
    assert "VDAB-consulent" in body and "gestart" in body
    response = client.post(reverse("crt:dossier_status", args=[dossier.pk]),
                           {"status-status": "closed", "status-effective_on": "2999-01-01"})
    assert response.status_code == 400 and "De datum ligt in de toekomst." in response.content.decode()


def test_search_by_number_is_a_post_and_finds_own_dossier(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    response = client.post(reverse("crt:dossier_search"), {"number": NUMBER, "text": ""})
    assert dossier.number in response.content.decode()
    response = client.post(reverse("crt:dossier_search"), {"number": "123", "text": ""})
    assert "11 cijfers" in " ".join(response.context["search_form"].errors["number"])
    assert client.get(reverse("crt:dossier_search")).status_code == 405


def test_other_organisation_gets_404_and_empty_lists(client, login, other_case_manager, register):
    dossier = register()
    login(other_case_manager)
    for name in ["crt:dossier_detail"]:
        assert client.get(reverse(name, args=[dossier.pk])).status_code == 404
    for name, data in [("crt:dossier_reveal", {"reveal-reason": "contact"}), ("crt:dossier_status", {"status": "closed"}),
                       ("crt:referral_create", {"service": "work"}), ("crt:dossier_register_check", {"check-purpose": "identity_check"}),
                       ("crt:dossier_flag_clear", {})]:
        assert client.post(reverse(name, args=[dossier.pk]), data).status_code == 404, name
    body = client.get(reverse("crt:dossier_list")).content.decode()
    assert dossier.number not in body and "Kovalenko" not in body
    body = client.post(reverse("crt:dossier_search"), {"number": NUMBER}).content.decode()
    assert dossier.number not in body
    body = client.post(reverse("crt:dossier_search"), {"text": "Kovalenko"}).content.decode()
    assert dossier.number not in body and "Geen dossier gevonden" in body
    dossier.refresh_from_db()
    assert dossier.status == DossierStatuses.REGISTERED


def test_register_check_flags_a_move(client, login, case_manager, register):
    dossier = register()  # registered at Veldstraat 1, the simulator knows another address
    login(case_manager)
    response = client.post(reverse("crt:dossier_register_check", args=[dossier.pk]), {"check-purpose": "identity_check"})
    assert response.status_code == 302
    body = client.get(reverse("crt:dossier_detail", args=[dossier.pk])).content.decode()
    assert "verhuisd volgens rijksregister" in body
    client.post(reverse("crt:dossier_flag_clear", args=[dossier.pk]))
    assert Person.objects.using("crt").get(pk=dossier.person_id).register_flag == ""


def test_english_translation_of_crt_pages():
    from django.utils import translation

    from crt.constants import DossierStatuses

    with translation.override("en"):
        assert str(DossierStatuses.CIVIC_INTEGRATION.label) == "in civic-integration trajectory"
        assert translation.gettext("Het attest kan niet eindigen voor het begint.") == "The certificate cannot end before it starts."


def test_case_manager_corrects_contact_and_address(client, login, case_manager, register):
    dossier = register()
    login(case_manager)
    page = client.get(reverse("crt:person_update", args=[dossier.pk]))
    assert "+32 470 12 34 56" not in page.content.decode()  # a GET asks why, it reveals nothing …
    assert not AuditEvent.objects.using("crt").filter(changes__identity_revealed=True).exists()
    page = client.post(reverse("crt:person_update", args=[dossier.pk]), {"action": "open", "reveal-reason": "correction"})
    assert "+32 470 12 34 56" in page.content.decode()  # … the POST with the reason shows contact data …
    assert AuditEvent.objects.using("crt").filter(action=AuditActions.VIEW, changes__identity_revealed=True,
                                                  reason="Gegevens verbeteren").exists()  # … as an audited read
    data = {"phone": "+32 470 99 99 99", "email": "olena@example.invalid", "street": "Meir 10", "postal_code": "2000",
            "municipality_refnis": "11002", "certificate_number": "TB-2022-0001", "certificate_valid_from": "2022-04-01",
            "certificate_valid_until": "2026-03-04", "languages": "uk, ru"}
    response = client.post(reverse("crt:person_update", args=[dossier.pk]), data)
    assert response.status_code == 302
    person = Person.objects.using("crt").get()
    assert person.municipality_refnis == "11002" and "+32 470 99" not in person.phone_enc
    event = AuditEvent.objects.using("crt").filter(action=AuditActions.UPDATE, object_id=str(dossier.pk)).latest("pk")
    assert event.changes["fields"] == ["municipality_refnis", "phone", "postal_code", "street"]
    assert "99 99" not in repr(event.changes)
    # A postal code of another municipality: a Dutch error, nothing changed.
    response = client.post(reverse("crt:person_update", args=[dossier.pk]), {**data, "postal_code": "9000"})
    assert "Deze postcode hoort niet bij de gekozen gemeente." in response.content.decode()
    assert Person.objects.using("crt").get().postal_code == "2000"


def test_household_of_another_organisation_is_refused_on_its_field(client, login, other_case_manager, register):
    head = register()  # at Atlas
    login(other_case_manager)
    response = client.post(reverse("crt:person_register"), form_data(
        first_name="Taras", household_dossier=head.number, household_role="child", confirm_duplicate="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["household_dossier"] == ["Geen dossier met dit nummer in uw organisatie."]
    assert Person.objects.using("crt").count() == 1


def test_register_household_member_from_the_dossier(client, login, case_manager, register):
    head = register()
    login(case_manager)
    body = client.get(reverse("crt:person_register") + f"?gezin={head.number}").content.decode()
    assert f'value="{head.number}"' in body
    birth = dt.date(2016, 2, 2)
    response = client.post(reverse("crt:person_register"), form_data(
        first_name="Taras", birth_date=birth.isoformat(), national_number=generate_number(birth, 41), sex="M",
        household_dossier=head.number, household_role="child"))
    assert response.status_code == 302
    child = Person.objects.using("crt").get(first_name="Taras")
    assert child.household_id == head.person.household_id and child.household_role == "child"


def test_number_never_reaches_a_log_line_or_url(client, login, case_manager, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    login(case_manager)
    client.post(reverse("crt:person_register"), {"action": "lookup", "national_number": NUMBER,
                                                 "lookup_purpose": "registration"})
    response = client.post(reverse("crt:person_register"), form_data())
    dossier = Dossier.objects.using("crt").get()
    assert NUMBER not in response.url
    client.post(reverse("crt:dossier_search"), {"number": NUMBER})
    client.post(reverse("crt:dossier_search"), {"number": NUMBER[:-1] + "0"})  # invalid: an error page
    client.get(reverse("crt:dossier_detail", args=[dossier.pk]))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # something was logged …
    assert NUMBER not in logged and NUMBER[:6] + "-" not in logged  # … but never the number
    events = AuditEvent.objects.using("crt").all()
    assert all(NUMBER not in repr(e.changes) + e.object_repr + e.reason for e in events)


def test_anonymised_dossier_page_shows_no_forms(client, login, case_manager, register, frozen_now, settings):
    from crt.services import dossier_status_change, dossiers_anonymise_expired

    frozen_now(dt.datetime(2023, 1, 2, 10))
    dossier = register()
    dossier_status_change(actor=case_manager, dossier=dossier, status="closed", effective_on=dt.date(2023, 1, 2))
    settings.CRT_RETENTION_DAYS = 30
    frozen_now(dt.datetime(2023, 3, 1, 10))
    assert dossiers_anonymise_expired() == 1
    login(case_manager)
    body = client.get(reverse("crt:dossier_detail", args=[dossier.pk])).content.decode()
    assert "geanonimiseerd na het verstrijken van de bewaartermijn" in body
    assert "Kovalenko" not in body and "Identiteit tonen" not in body and "Doorverwijzen" not in body
    assert client.get(reverse("crt:person_update", args=[dossier.pk])).status_code == 404
