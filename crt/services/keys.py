"""Key rotation: re-encrypt every encrypted column under the newest key, and rebuild the blind
index after a new ``CRT_BLIND_INDEX_KEY`` (docs/OPERATIONS.md, "Rotating the CRT keys")."""

from __future__ import annotations

from django.db import transaction

from audit.constants import AuditActions
from audit.services import audit_log
from crt import crypto
from crt.constants import CTX_EMAIL, CTX_NUMBER, CTX_OUTCOME_NOTE, CTX_PHONE, CTX_REFERRAL_NOTE, CTX_STATUS_NOTE
from crt.models import Person, Referral, StatusChange
from crt.services.common import DB, SYSTEM_USERNAME

# (model, encrypted field, context): everything ``crt_keys_rotate`` re-encrypts.
ENCRYPTED_FIELDS = [
    (Person, "national_number_enc", CTX_NUMBER),
    (Person, "phone_enc", CTX_PHONE),
    (Person, "email_enc", CTX_EMAIL),
    (StatusChange, "note_enc", CTX_STATUS_NOTE),
    (Referral, "note_enc", CTX_REFERRAL_NOTE),
    (Referral, "outcome_note_enc", CTX_OUTCOME_NOTE),
]


def crt_keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted column under the newest key. Idempotent: current tokens are skipped."""
    prefix = f"v{crypto.current_key_version()}$"
    counts = {}
    for model, field_name, context in ENCRYPTED_FIELDS:
        label = f"{model._meta.label_lower}.{field_name}"
        counts[label] = 0
        stale = (
            model.objects.using(DB).exclude(**{field_name: ""}).exclude(**{f"{field_name}__startswith": prefix})
            .order_by("pk").values_list("pk", field_name)
        )
        while True:
            rows = list(stale[:batch_size])
            if not rows:
                break
            with transaction.atomic(using=DB):
                objs = [model(pk=pk, **{field_name: crypto.reencrypt(token, context=context)}) for pk, token in rows]
                model.objects.using(DB).bulk_update(objs, [field_name])
            counts[label] += len(rows)
    audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.OTHER, object_type="crt.keys", database=DB,
              object_repr="key rotation", changes={"key_version": crypto.current_key_version(), "counts": counts})
    return counts


def crt_blind_index_rebuild(*, batch_size: int = 500) -> int:
    """Recompute every person's number index under the current CRT_BLIND_INDEX_KEY (after changing
    that key). The number is decrypted in memory only; nothing else changes. Idempotent."""
    persons = (
        Person.objects.using(DB).exclude(national_number_enc="").order_by("pk")
        .values_list("pk", "national_number_enc", "national_number_index")
    )
    changed = 0
    last_pk = 0
    while True:
        rows = list(persons.filter(pk__gt=last_pk)[:batch_size])
        if not rows:
            break
        last_pk = rows[-1][0]
        objs = []
        for pk, token, old_index in rows:
            index = crypto.blind_index(crypto.decrypt(token, context=CTX_NUMBER))
            if index != old_index:
                objs.append(Person(pk=pk, national_number_index=index))
        if objs:
            with transaction.atomic(using=DB):
                Person.objects.using(DB).bulk_update(objs, ["national_number_index"])
            changed += len(objs)
    audit_log(actor=None, username=SYSTEM_USERNAME, action=AuditActions.OTHER, object_type="crt.keys", database=DB,
              object_repr="blind index rebuild", changes={"reindexed": changed})
    return changed
