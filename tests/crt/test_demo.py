import io

import pytest
from stdnum.be import bis, nn

from crt import crypto
from crt.demo import persons_seed
from crt.models import Dossier, Household, Organisation, Person, Referral
from crt.reporting import report_table
from crt.selectors import registered_persons_per_municipality
from crt.services import CTX_NUMBER

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


def test_demo_persons_are_valid_and_labelled(case_manager):
    orgs = {code: Organisation.objects.using("crt").get_or_create(code=code, defaults={"name": code})[0]
            for code in ("atlas", "amal", "agii", "huis-nl")}
    count = persons_seed(orgs=orgs, case_manager=case_manager, target=200)
    assert count >= 200
    persons = list(Person.objects.using("crt").all())
    assert all(p.is_demo for p in persons) and Household.objects.using("crt").count() < count
    numbers = [crypto.decrypt(p.national_number_enc, context=CTX_NUMBER) for p in persons]
    assert len(set(numbers)) == len(numbers)
    assert all(p.certificate_valid_until >= p.certificate_valid_from for p in persons)
    # Demo persons obey the registration rules (number ↔ birth date, municipality ↔ postal code, …).
    from crt.services import PersonInput, person_input_validate

    for p, number in list(zip(persons, numbers, strict=True))[:100]:
        person_input_validate(PersonInput(
            first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date, sex=p.sex, national_number=number,
            municipality_refnis=p.municipality_refnis, postal_code=p.postal_code, certificate_number=p.certificate_number,
            certificate_valid_from=p.certificate_valid_from, certificate_valid_until=p.certificate_valid_until))
    assert all(nn.is_valid(n) or bis.is_valid(n) for n in numbers)
    assert Dossier.objects.using("crt").values("organisation").distinct().count() == 4
    assert Referral.objects.using("crt").exists()
    assert sum(registered_persons_per_municipality(Dossier.objects.using("crt").order_by("-opened_on")[0].opened_on).values()) > 0
    assert report_table("municipality", Dossier.objects.using("crt").order_by("-opened_on")[0].opened_on).total


def test_seed_is_idempotent(make_user):
    from accounts.demo import seed as accounts_seed
    from crt.demo import seed

    accounts_seed(io.StringIO(), small=True)
    seed(io.StringIO(), small=True)
    first = Person.objects.using("crt").count()
    seed(io.StringIO(), small=True)
    assert Person.objects.using("crt").count() == first >= 200


def test_demo_is_mostly_consistent_with_the_register_simulator(case_manager):
    from crt.services import national_register_sync

    orgs = {code: Organisation.objects.using("crt").get_or_create(code=code, defaults={"name": code})[0]
            for code in ("atlas", "amal", "agii", "huis-nl")}
    persons_seed(orgs=orgs, case_manager=case_manager, target=300)
    counts = national_register_sync(limit=1000)
    assert counts["errors"] == 0 and counts["checked"] > 100
    assert counts["moved"] < counts["checked"] * 0.1  # only the deliberate old addresses
