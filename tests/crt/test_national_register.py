import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.constants import AuditActions
from crt.constants import LookupPurposes, RegisterFlags
from crt.models import AuditEvent, Person
from crt.national_register import HttpAdapter, PersonNotFound, SimulatorAdapter, get_adapter
from crt.numbers import generate_number, parse_person_number
from crt.services import national_register_lookup, national_register_sync
from crt.tasks import national_register_sync as sync_task

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture(autouse=True)
def _no_moves():
    SimulatorAdapter.moves = {}
    yield
    SimulatorAdapter.moves = {}


def test_adapter_follows_the_endpoint_setting(settings):
    assert isinstance(get_adapter(), SimulatorAdapter)
    settings.CRT_NATIONAL_REGISTER_ENDPOINT = "https://ipf.example.invalid/rr"
    adapter = get_adapter()
    assert isinstance(adapter, HttpAdapter) and adapter.endpoint == "https://ipf.example.invalid/rr"


def test_simulator_is_deterministic_and_consistent_with_the_number():
    number = parse_person_number(generate_number(dt.date(1988, 4, 12), 51))
    a = SimulatorAdapter().lookup(number, purpose="registration")
    b = SimulatorAdapter().lookup(number, purpose="registration")
    assert a == b
    assert a.birth_date == dt.date(1988, 4, 12) and a.sex == "M" and a.deceased_on is None


def test_lookup_records_its_legal_purpose(case_manager):
    number = generate_number(dt.date(1988, 4, 12), 52)
    record = national_register_lookup(actor=case_manager, number=number, purpose=LookupPurposes.REGISTRATION)
    assert record.sex == "F"
    event = AuditEvent.objects.using("crt").get(action=AuditActions.LOOKUP)
    assert event.actor_id == case_manager.pk
    assert event.reason == str(LookupPurposes.REGISTRATION.label)
    assert event.changes["purpose"] == "registration"
    assert number not in repr(event.changes) and number not in event.object_repr


def test_lookup_needs_a_purpose_and_a_valid_number(case_manager):
    with pytest.raises(ValidationError):
        national_register_lookup(actor=case_manager, number=generate_number(dt.date(1988, 4, 12), 52), purpose="")
    with pytest.raises(ValidationError):
        national_register_lookup(actor=case_manager, number="12345678901", purpose=LookupPurposes.REGISTRATION)
    assert not AuditEvent.objects.using("crt").filter(action=AuditActions.LOOKUP).exists()


def test_unknown_person_is_reported_and_audited(case_manager):
    number = generate_number(dt.date(1988, 4, 12), 998)
    with pytest.raises(PersonNotFound):
        national_register_lookup(actor=case_manager, number=number, purpose=LookupPurposes.REGISTRATION)
    assert AuditEvent.objects.using("crt").get(action=AuditActions.LOOKUP).changes["outcome"] == "PersonNotFound"


def test_sync_refreshes_address_and_flags_moves_and_deaths(register, frozen_now):
    frozen_now(dt.datetime(2024, 6, 1, 9))
    birth = dt.date(1985, 7, 30)
    steady_number = generate_number(birth, 34)
    refnis, postal, street = SimulatorAdapter.address_for(steady_number)
    steady = register(municipality_refnis=refnis, postal_code=postal, street=street)
    mover_birth = dt.date(1979, 3, 3)
    mover = register(first_name="Ivan", sex="M", birth_date=mover_birth,
                     national_number=generate_number(mover_birth, 35), municipality_refnis="44021",
                     postal_code="9000", street="Veldstraat 1")
    SimulatorAdapter.moves = {generate_number(mover_birth, 35): ("24062", "3000", "Bondgenotenlaan 7")}
    dead_birth = dt.date(1940, 1, 2)
    dead = register(first_name="Petro", sex="M", birth_date=dead_birth,
                    national_number=generate_number(dead_birth, 991))

    counts = sync_task.delay().get()
    assert counts == {"checked": 3, "moved": 1, "deceased": 1, "errors": 0}
    mover_person = Person.objects.using("crt").get(pk=mover.person_id)
    assert mover_person.register_flag == RegisterFlags.MOVED
    assert mover_person.municipality_refnis == "24062" and mover_person.street == "Bondgenotenlaan 7"
    assert Person.objects.using("crt").get(pk=dead.person_id).register_flag == RegisterFlags.DECEASED
    assert Person.objects.using("crt").get(pk=steady.person_id).register_flag == ""
    lookups = AuditEvent.objects.using("crt").filter(action=AuditActions.LOOKUP, changes__purpose="sync")
    assert lookups.count() == 3

    # Checked recently: the next run has nothing to do; a week later it checks again.
    assert national_register_sync()["checked"] == 0
    frozen_now(dt.datetime(2024, 6, 9, 9))
    assert national_register_sync()["checked"] == 3


def test_http_adapter_posts_the_number_in_the_body_never_in_the_url(monkeypatch):
    import io
    import json
    import urllib.request

    seen = {}

    class FakeResponse(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        seen["url"], seen["body"], seen["timeout"] = request.full_url, json.loads(request.data), timeout
        return FakeResponse(json.dumps({"first_name": "Olena", "last_name": "Shevchenko", "birth_date": "1985-07-30",
                                        "sex": "F", "municipality_refnis": "44021", "street": "Veldstraat 2",
                                        "postal_code": "9000"}).encode())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    number = parse_person_number("85073003328")
    record = HttpAdapter("https://ipf.example.invalid/rr/").lookup(number, purpose="registration")
    assert record.last_name == "Shevchenko" and record.birth_date == dt.date(1985, 7, 30)
    assert seen["url"] == "https://ipf.example.invalid/rr/persons/lookup" and "85073003328" not in seen["url"]
    assert seen["body"] == {"number": "85073003328", "purpose": "registration"}


def test_http_adapter_unreachable_raises_a_register_error(monkeypatch):
    import urllib.request

    from crt.national_register import NationalRegisterError

    def refuse(request, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(NationalRegisterError) as exc:
        HttpAdapter("https://ipf.example.invalid").lookup(parse_person_number("85073003328"), purpose="registration")
    assert "85073003328" not in str(exc.value)
