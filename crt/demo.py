"""CRT demo data: the four organisations, the demo CRT role holders, and synthetic persons
(valid check digits, plausible Ukrainian names, households, dossiers, status histories, referrals).
Every row is marked ``is_demo``. Idempotent: persons are only added once."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from accounts.constants import INTEGRATION_AGENCIES
from accounts.models import User
from core import clock
from crt import crypto
from crt.constants import (
    CTX_EMAIL,
    CTX_NUMBER,
    CTX_PHONE,
    CTX_REFERRAL_NOTE,
    CrtRoles,
    DossierStatuses,
    HouseholdRoles,
    ReferralOutcomes,
    ReferralServices,
)
from crt.models import AddressPeriod, Dossier, Household, Organisation, Person, Referral, StatusChange
from crt.national_register import (
    SIMULATED_ADDRESSES,
    UKRAINIAN_FIRST_NAMES_F,
    UKRAINIAN_FIRST_NAMES_M,
    UKRAINIAN_LAST_NAMES,
    SimulatorAdapter,
)
from crt.numbers import generate_number
from crt.realm import crt_role_assign
from crt.services import counts_rebuild

DB = "crt"
START = dt.date(2022, 3, 14)
LANGUAGES = ["Oekraïens", "Oekraïens, Russisch", "Oekraïens, Engels", "Russisch", "Oekraïens, Pools"]
ORG_WEIGHTS = {"atlas": 4, "amal": 3, "agii": 5, "huis-nl": 1}


def seed(stdout, *, small: bool = False) -> None:
    orgs = {}
    for code, name in INTEGRATION_AGENCIES.items():
        orgs[code], _ = Organisation.objects.using(DB).update_or_create(code=code, defaults={"name": f"{name} (demo)"})
    case_manager = None
    for role in CrtRoles:
        user = User.objects.get(username=f"demo-{role.value}")
        crt_role_assign(user=user, role=role.value, organisation=orgs["atlas"] if role == CrtRoles.CASE_MANAGER else None)
        if role == CrtRoles.CASE_MANAGER:
            case_manager = user
    stdout.write("  CRT realm: 4 organisations, 4 role assignments")
    if Person.objects.using(DB).filter(is_demo=True).exists():
        stdout.write("  CRT demo persons already present")
        return
    count = persons_seed(orgs=orgs, case_manager=case_manager, target=200 if small else 3000)
    stdout.write(f"  CRT: {count} demo persons with households, dossiers and referrals")


def _birth(rng: random.Random, role: str, head_birth: dt.date | None) -> dt.date:
    if role == HouseholdRoles.CHILD:
        return dt.date(rng.randint(2006, 2021), rng.randint(1, 12), rng.randint(1, 28))
    if role == HouseholdRoles.PARTNER and head_birth:
        return head_birth + dt.timedelta(days=rng.randint(-2500, 2500))
    return dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic(using=DB)
def persons_seed(*, orgs: dict[str, Organisation], case_manager, target: int, seed_value: int = 2022) -> int:
    rng = random.Random(seed_value)
    today = clock.today()
    now = clock.now()
    days = (today - START).days
    org_codes = [code for code, w in ORG_WEIGHTS.items() for _ in range(w)]
    used: set[str] = set()
    planned = []  # (household index, role, person fields, org code, opened_on)
    households = []
    while len(planned) < target:
        code = rng.choice(org_codes)
        opened = START + dt.timedelta(days=min(days, int(rng.betavariate(1.2, 3) * days)))
        households.append(Household(reference=f"GZ-D{len(households) + 1:05d}", organisation=orgs[code],
                                    created_at=now, is_demo=True))
        last = rng.choice(UKRAINIAN_LAST_NAMES)
        size = rng.choices([1, 2, 3, 4, 5], weights=[30, 25, 25, 15, 5])[0]
        roles = [HouseholdRoles.HEAD] + [HouseholdRoles.PARTNER if i == 0 and rng.random() < 0.4 else HouseholdRoles.CHILD
                                         for i in range(size - 1)]
        head_birth = None
        for role in roles:
            birth = _birth(rng, role, head_birth)
            if birth > today:
                birth = today - dt.timedelta(days=365)
            head_birth = head_birth or birth
            while True:
                # a few people the register simulator knows as deceased (sequence 990-997)
                sequence = rng.randint(990, 997) if rng.random() < 0.003 else rng.randint(1, 989)
                bis = rng.random() < 0.6  # most displaced persons get a BIS number
                number = generate_number(birth, sequence, bis_number=bis)
                if number not in used:
                    used.add(number)
                    break
            male = sequence % 2 == 1
            # The simulator is stateless, so each person lives where the simulator says (members of
            # one household may differ); 3 % carry an old address the register reports as a move.
            address = SimulatorAdapter.address_for(number)
            if rng.random() < 0.03:
                address = (*rng.choice(SIMULATED_ADDRESSES)[:2], "Oud adres 1")
            first = rng.choice(UKRAINIAN_FIRST_NAMES_M if male else UKRAINIAN_FIRST_NAMES_F)
            surname = last if male or role == HouseholdRoles.CHILD else (last if last.endswith(("ko", "uk", "yk")) else last + "a")
            cert_from = max(opened - dt.timedelta(days=rng.randint(0, 60)), START)
            planned.append((len(households) - 1, role, {
                "first_name": first, "last_name": surname, "birth_date": birth, "sex": "M" if male else "F",
                "number_kind": "bis" if bis else "nn",
                "national_number_enc": crypto.encrypt(number, context=CTX_NUMBER),
                "national_number_index": crypto.blind_index(number),
                "phone_enc": crypto.encrypt(f"+32 4{rng.randint(60, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}", context=CTX_PHONE) if role != HouseholdRoles.CHILD else "",
                "email_enc": crypto.encrypt(f"{first.lower()}.{surname.lower()}@demo.invalid", context=CTX_EMAIL) if role == HouseholdRoles.HEAD else "",
                "street": address[2], "postal_code": address[1], "municipality_refnis": address[0],
                "certificate_number": f"TB-{cert_from.year}-{rng.randint(100000, 999999)}",
                "certificate_valid_from": cert_from, "certificate_valid_until": max(dt.date(2026, 3, 4), cert_from + dt.timedelta(days=365)),
                "languages": rng.choice(LANGUAGES),
            }, code, opened))
    Household.objects.using(DB).bulk_create(households, batch_size=1000)
    persons = Person.objects.using(DB).bulk_create([
        Person(household=households[h], household_role=role, registered_at=now, is_demo=True, **fields)
        for h, role, fields, _code, _opened in planned
    ], batch_size=1000)
    dossiers = []
    for i, ((_h, _role, _fields, code, opened), person) in enumerate(zip(planned, persons, strict=True)):
        status = rng.choices(
            [DossierStatuses.REGISTERED, DossierStatuses.PRE_TRAJECTORY, DossierStatuses.REFERRED,
             DossierStatuses.CIVIC_INTEGRATION, DossierStatuses.MOVED_AWAY, DossierStatuses.CLOSED],
            weights=[15, 15, 20, 30, 10, 10],
        )[0]
        ended = None
        if status in (DossierStatuses.MOVED_AWAY, DossierStatuses.CLOSED):
            ended = min(today, opened + dt.timedelta(days=rng.randint(30, 600)))
        own = code == "atlas" and case_manager is not None
        dossiers.append(Dossier(
            number=f"CRT-{opened.year}-D{i + 1:05d}", person=person, organisation=orgs[code], status=status,
            case_manager_id=case_manager.pk if own else None,
            case_manager_username=case_manager.get_username() if own else "",
            opened_on=opened, ended_on=ended, closed_on=ended if status == DossierStatuses.CLOSED else None,
            is_demo=True,
        ))
    Dossier.objects.using(DB).bulk_create(dossiers, batch_size=1000)
    AddressPeriod.objects.using(DB).bulk_create([
        AddressPeriod(person=d.person, municipality_refnis=d.person.municipality_refnis, valid_from=d.opened_on)
        for d in dossiers
    ], batch_size=2000)
    changes, referrals = [], []
    path = [DossierStatuses.REGISTERED, DossierStatuses.PRE_TRAJECTORY, DossierStatuses.REFERRED,
            DossierStatuses.CIVIC_INTEGRATION]
    for dossier in dossiers:
        steps = path[: path.index(dossier.status) + 1] if dossier.status in path else path[: rng.randint(1, 4)] + [dossier.status]
        day = dossier.opened_on
        for step in steps:
            changes.append(StatusChange(dossier=dossier, status=step, effective_on=day, created_at=now,
                                        created_by_username="demo"))
            day = min(dossier.ended_on or today, day + dt.timedelta(days=rng.randint(5, 60)))
        if DossierStatuses.REFERRED in steps:
            for service in rng.sample(list(ReferralServices.values), rng.randint(1, 2)):
                referred = dossier.opened_on + dt.timedelta(days=rng.randint(0, 30))
                referred = min(referred, today)
                outcome = rng.choice(ReferralOutcomes.values)
                referrals.append(Referral(
                    dossier=dossier, service=service, referred_on=referred, outcome=outcome,
                    outcome_on=None if outcome == ReferralOutcomes.PENDING else min(today, referred + dt.timedelta(days=rng.randint(7, 90))),
                    note_enc=crypto.encrypt("Demo-doorverwijzing", context=CTX_REFERRAL_NOTE),
                    created_at=now, created_by_username="demo",
                ))
    StatusChange.objects.using(DB).bulk_create(changes, batch_size=2000)
    Referral.objects.using(DB).bulk_create(referrals, batch_size=2000)
    counts_rebuild(audit=False)  # bulk-created around the services that keep the counts
    return len(persons)
