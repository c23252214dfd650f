import datetime as dt

import pytest

from audit.constants import AuditActions
from crt.constants import DossierStatuses, ReferralServices
from crt.models import AuditEvent, Dossier, Person, Referral
from crt.numbers import generate_number
from crt.selectors import registered_persons_per_municipality
from crt.services import dossier_status_change, dossiers_anonymise_expired, referral_create
from crt.tasks import retention_anonymise

pytestmark = pytest.mark.django_db(databases=["default", "crt"])


@pytest.fixture
def closed_dossier(register, case_manager, frozen_now):
    frozen_now(dt.datetime(2023, 1, 2, 10))
    dossier = register()
    referral_create(actor=case_manager, dossier=dossier, service=ReferralServices.HOUSING,
                    referred_on=dt.date(2023, 1, 2), note="Sociaal verhuurkantoor")
    dossier_status_change(actor=case_manager, dossier=dossier, status=DossierStatuses.CLOSED,
                          effective_on=dt.date(2023, 1, 2), note="Terug naar Oekraïne")
    return dossier


def test_closed_dossier_is_anonymised_after_the_period(closed_dossier, frozen_now, settings):
    settings.CRT_RETENTION_DAYS = 365
    frozen_now(dt.datetime(2024, 1, 1, 12))  # 364 days after closing
    assert dossiers_anonymise_expired() == 0
    frozen_now(dt.datetime(2024, 1, 2, 12))  # 365 days
    assert retention_anonymise.delay().get() == 1

    person = Person.objects.using("crt").get(pk=closed_dossier.person_id)
    assert person.first_name == "Geanonimiseerd" and person.national_number_enc == ""
    assert person.national_number_index == "" and person.phone_enc == "" and person.email_enc == ""
    assert person.street == "" and person.certificate_number == ""
    # Aggregate facts stay.
    assert person.municipality_refnis == "44021" and person.sex == "F" and person.birth_date.year == 1985
    dossier = Dossier.objects.using("crt").get(pk=closed_dossier.pk)
    assert dossier.anonymised_at is not None and dossier.status == DossierStatuses.CLOSED
    assert Referral.objects.using("crt").get(dossier=dossier).service == ReferralServices.HOUSING
    assert Referral.objects.using("crt").get(dossier=dossier).note_enc == ""
    assert all(c.note_enc == "" for c in dossier.status_changes.all())
    assert registered_persons_per_municipality(dt.date(2023, 1, 1)) == {}  # opened 2 Jan
    # The auditor sees that it happened.
    event = AuditEvent.objects.using("crt").get(action=AuditActions.DELETE, object_id=str(dossier.pk))
    assert "Bewaartermijn" in event.reason and event.actor_username == "systeem (CRT)"
    # Idempotent.
    assert dossiers_anonymise_expired() == 0


def test_open_dossiers_are_kept(register, frozen_now, settings):
    settings.CRT_RETENTION_DAYS = 30
    frozen_now(dt.datetime(2023, 1, 2, 10))
    dossier = register(national_number=generate_number(dt.date(1985, 7, 30), 34))
    frozen_now(dt.datetime(2025, 1, 2, 10))
    assert dossiers_anonymise_expired() == 0
    assert Person.objects.using("crt").get(pk=dossier.person_id).anonymised_at is None


def _base_setting(name: str, env: dict) -> str:
    """The value config/settings/base.py gives ``name`` in a fresh process with this environment."""
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "CRT_RETENTION_DAYS"} | env
    result = subprocess.run([sys.executable, "-c", f"import config.settings.base as b; print(b.{name})"],
                            env=environ, capture_output=True, text=True, check=False)
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


@pytest.mark.django_db(databases=[])
def test_retention_period_is_declared_in_base_settings_from_the_environment():
    assert _base_setting("CRT_RETENTION_DAYS", {}) == str(5 * 365)
    assert _base_setting("CRT_RETENTION_DAYS", {"CRT_RETENTION_DAYS": "10"}) == "10"
    assert "must be positive" in _base_setting("CRT_RETENTION_DAYS", {"CRT_RETENTION_DAYS": "0"})


def test_the_job_reads_the_setting(closed_dossier, frozen_now, settings):
    settings.CRT_RETENTION_DAYS = 10
    frozen_now(dt.datetime(2023, 1, 11, 12))  # 9 days after closing
    assert dossiers_anonymise_expired() == 0
    frozen_now(dt.datetime(2023, 1, 12, 12))
    assert dossiers_anonymise_expired() == 1
    assert AuditEvent.objects.using("crt").get(action=AuditActions.DELETE).changes["retention_days"] == 10
