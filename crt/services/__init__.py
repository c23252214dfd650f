"""Writes on CRT data, one module per subject:

* ``persons``: registration (household, dossier, duplicate check) and corrections;
* ``addresses``: the address history (moves and corrections) behind the guidance-subsidy count;
* ``dossiers``: status changes, referrals and their outcomes, transfers between organisations;
* ``register``: national-register lookups, a person's check, the scheduled sync;
* ``retention``: anonymisation of closed dossiers after ``CRT_RETENTION_DAYS``;
* ``keys``: re-encryption under a new key and the blind-index rebuild;
* ``counts``: the counts at a date (``crt.CountChange``), kept with every change and rebuilt nightly.

Every service validates (``full_clean``), runs in ``transaction.atomic(using="crt")`` and writes an
audit event to the CRT's own trail. Callers import from ``crt.services``.
"""

from crt.constants import (
    CTX_EMAIL,
    CTX_NUMBER,
    CTX_OUTCOME_NOTE,
    CTX_PHONE,
    CTX_REFERRAL_NOTE,
    CTX_STATUS_NOTE,
)
from crt.services.addresses import address_correct, address_move
from crt.services.common import DB, SYSTEM_USERNAME
from crt.services.counts import counts_kept, counts_rebuild
from crt.services.dossiers import dossier_status_change, dossier_transfer, referral_create, referral_outcome_record
from crt.services.keys import ENCRYPTED_FIELDS, crt_blind_index_rebuild, crt_keys_rotate
from crt.services.persons import PersonInput, PossibleDuplicate, person_input_validate, person_register, person_update
from crt.services.register import (
    national_register_lookup,
    national_register_sync,
    person_register_check,
    register_flag_clear,
)
from crt.services.retention import ANONYMOUS_NAME, dossiers_anonymise_expired

__all__ = [
    "ANONYMOUS_NAME", "CTX_EMAIL", "CTX_NUMBER", "CTX_OUTCOME_NOTE", "CTX_PHONE", "CTX_REFERRAL_NOTE",
    "CTX_STATUS_NOTE", "DB", "ENCRYPTED_FIELDS", "SYSTEM_USERNAME", "PersonInput", "PossibleDuplicate",
    "address_correct", "address_move", "counts_kept", "counts_rebuild", "crt_blind_index_rebuild", "crt_keys_rotate", "dossier_status_change",
    "dossier_transfer", "dossiers_anonymise_expired", "national_register_lookup", "national_register_sync",
    "person_input_validate", "person_register", "person_register_check", "person_update", "referral_create",
    "referral_outcome_record", "register_flag_clear",
]
