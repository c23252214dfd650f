"""The national register coupling: an adapter with a configurable endpoint.

``settings.CRT_NATIONAL_REGISTER_ENDPOINT``: ``simulator://`` (default; development and tests) uses a
local deterministic simulator; ``https://…`` talks JSON to the government's integration platform.
The number is sent in the request body, never in a URL, and never logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from crt.numbers import PersonNumber

UKRAINIAN_FIRST_NAMES_F = ["Olena", "Iryna", "Oksana", "Tetiana", "Nataliia", "Kateryna", "Yuliia", "Svitlana",
                           "Anastasiia", "Mariia", "Daryna", "Sofiia", "Viktoriia", "Halyna", "Liudmyla", "Alina"]
UKRAINIAN_FIRST_NAMES_M = ["Oleksandr", "Andrii", "Serhii", "Dmytro", "Mykola", "Volodymyr", "Ivan", "Taras",
                           "Bohdan", "Yurii", "Maksym", "Artem", "Vasyl", "Petro", "Roman", "Denys"]
UKRAINIAN_LAST_NAMES = ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko",
                        "Kovalchuk", "Oliinyk", "Lysenko", "Marchenko", "Rudenko", "Savchenko", "Petrenko",
                        "Moroz", "Pavlenko", "Levchenko", "Kharchenko", "Romanenko", "Ivanenko", "Sydorenko",
                        "Hnatiuk", "Polishchuk", "Tkachuk", "Horbunov", "Zinchenko", "Kushnir", "Bilyk"]
# (REFNIS, postal code, street) the simulator places people at.
SIMULATED_ADDRESSES = [
    ("44021", "9000", "Veldstraat"), ("11002", "2000", "Meir"), ("24062", "3000", "Bondgenotenlaan"),
    ("31005", "8000", "Steenstraat"), ("71072", "3500", "Grote Markt"), ("12025", "2800", "Bruul"),
    ("34022", "8500", "Doorniksestraat"), ("41002", "9300", "Kattestraat"), ("71016", "3600", "Stalenstraat"),
    ("46021", "9100", "Stationsstraat"), ("11008", "2930", "Bredabaan"), ("23088", "1800", "Leuvensestraat"),
]
DECEASED_SEQUENCES = range(990, 998)  # simulator convention: these sequence numbers are deceased
UNKNOWN_SEQUENCE = 998  # simulator convention: not in the register


class NationalRegisterError(Exception):
    """The register could not answer (unreachable, refused)."""


class PersonNotFound(NationalRegisterError):
    pass


@dataclass(frozen=True)
class RegisterRecord:
    first_name: str
    last_name: str
    birth_date: dt.date | None
    sex: str
    nationality: str
    street: str
    postal_code: str
    municipality_refnis: str
    deceased_on: dt.date | None = None


class SimulatorAdapter:
    """Deterministic stand-in for the register: the same number always gives the same record.

    ``moves`` lets a test (or a demo) say that a number now lives elsewhere.
    """

    moves: dict[str, tuple[str, str, str]] = {}

    def lookup(self, number: PersonNumber, *, purpose: str) -> RegisterRecord:
        sequence = int(number.value[6:9])
        if sequence == UNKNOWN_SEQUENCE:
            raise PersonNotFound
        digest = hashlib.sha256(number.value.encode()).digest()
        male = sequence % 2 == 1
        first = (UKRAINIAN_FIRST_NAMES_M if male else UKRAINIAN_FIRST_NAMES_F)[digest[0] % 16]
        last = UKRAINIAN_LAST_NAMES[digest[1] % len(UKRAINIAN_LAST_NAMES)]
        refnis, postal, street = self.moves.get(number.value) or self.address_for(number.value)
        deceased = dt.date(2024, 1, 1) + dt.timedelta(days=digest[3]) if sequence in DECEASED_SEQUENCES else None
        return RegisterRecord(
            first_name=first, last_name=last, birth_date=number.birth_date, sex="M" if male else "F",
            nationality="UA", street=street, postal_code=postal, municipality_refnis=refnis, deceased_on=deceased,
        )

    @staticmethod
    def address_for(value: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(value.encode()).digest()
        refnis, postal, street = SIMULATED_ADDRESSES[digest[4] % len(SIMULATED_ADDRESSES)]
        return refnis, postal, f"{street} {digest[2] % 120 + 1}"


class HttpAdapter:
    """JSON over HTTPS to the integration platform (not reachable from development machines)."""

    timeout = 10

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/")

    def lookup(self, number: PersonNumber, *, purpose: str) -> RegisterRecord:
        body = json.dumps({"number": number.value, "purpose": purpose}).encode()
        request = urllib.request.Request(  # noqa: S310 - https endpoint from settings
            f"{self.endpoint}/persons/lookup", data=body, method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data = json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise PersonNotFound from None
            raise NationalRegisterError(f"register answered HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise NationalRegisterError("register unreachable") from exc
        return RegisterRecord(
            first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
            birth_date=dt.date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None,
            sex=data.get("sex", ""), nationality=data.get("nationality", ""), street=data.get("street", ""),
            postal_code=data.get("postal_code", ""), municipality_refnis=data.get("municipality_refnis", ""),
            deceased_on=dt.date.fromisoformat(data["deceased_on"]) if data.get("deceased_on") else None,
        )


def get_adapter():
    endpoint = settings.CRT_NATIONAL_REGISTER_ENDPOINT
    if endpoint.startswith("simulator://"):
        return SimulatorAdapter()
    if endpoint.startswith("https://"):
        return HttpAdapter(endpoint)
    raise NationalRegisterError("CRT_NATIONAL_REGISTER_ENDPOINT must be simulator:// or https://")
