"""The stored import's services and task (core.services, core.tasks): the steps, idempotency, a step
that fails half-way, lost tasks sent again, progress, permissions, and the audit trail of the rows."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.constants import Roles
from audit.models import AuditEvent
from core import context, importing, services, tasks
from core.constants import ImportStatuses
from core.models import Import
from hvt.models import ReceptionPlace
from tests.core.import_helpers import csv_bytes, place_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user):
    return make_user(Roles.HVT_COORDINATOR, username="coordinator", is_staff=True)


@pytest.fixture
def sent(monkeypatch):
    """The tasks handed to the broker, instead of sending them (core.queue.send)."""
    calls = []
    monkeypatch.setattr("core.queue.send", lambda task, *args, **kwargs: calls.append((task.name, args)) or True)
    return calls


def create(user, rows=3, **kwargs):
    return services.import_create(actor=user, kind="hvt.places", file_name="plaatsen.csv",
                                  content=csv_bytes([place_row(i) for i in range(rows)]), **kwargs)


def test_create_stores_the_file_and_queues_the_check_once_the_transaction_commits(coordinator, sent,
                                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        imp = create(coordinator)
        assert sent == []  # not before the commit: the worker could not see the row yet
    assert sent == [("core.tasks.import_process", (imp.pk,))]
    imp.refresh_from_db()
    assert imp.status == ImportStatuses.RECEIVED and imp.file_size == len(bytes(imp.content))
    assert imp.file_sha256 == hashlib.sha256(bytes(imp.content)).hexdigest()


def test_a_rolled_back_upload_sends_no_task(coordinator, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            create(coordinator)
            raise RuntimeError
    assert sent == [] and not Import.objects.exists()


def test_create_and_confirm_check_the_permission_and_the_owner(coordinator, make_user, sent):
    auditor = make_user(Roles.HVT_SECURITY_AUDITOR, is_staff=True)
    with pytest.raises(PermissionDenied):
        create(auditor)
    with pytest.raises(ValidationError) as caught:
        services.import_create(actor=coordinator, kind="hvt.places", file_name="p.txt", content=b"x")
    assert "Alleen CSV-bestanden" in caught.value.message_dict["file"][0]
    imp = create(coordinator)
    services.import_process(import_id=imp.pk)
    other = make_user(Roles.HVT_COORDINATOR, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.import_confirm(actor=other, import_=imp)
    coordinator.groups.clear()  # lost the role since the upload
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    with pytest.raises(PermissionDenied):
        services.import_confirm(actor=coordinator, import_=imp)
    assert Import.objects.get().status == ImportStatuses.READY


def test_the_task_is_idempotent_a_finished_import_is_never_run_twice(coordinator):
    imp = create(coordinator, rows=4)
    assert tasks.import_process.delay(imp.pk).get() == ImportStatuses.READY
    assert tasks.import_process.delay(imp.pk).get() == ImportStatuses.READY  # a repeated check delivery
    services.import_confirm(actor=coordinator, import_=imp)
    assert tasks.import_process.delay(imp.pk).get() == ImportStatuses.DONE
    assert tasks.import_process.delay(imp.pk).get() == ImportStatuses.DONE  # a repeated import delivery
    assert ReceptionPlace.objects.count() == 4
    assert tasks.import_process.delay(987654).get() is None


def test_a_step_that_breaks_half_way_leaves_no_rows_and_says_so(coordinator, monkeypatch):
    imp = create(coordinator, rows=5)
    services.import_process(import_id=imp.pk)
    services.import_confirm(actor=coordinator, import_=imp)
    real = importing.report_from_result

    def broken(result, dataset, kind):  # after the places were inserted, inside the transaction
        assert ReceptionPlace.objects.count() == 5
        raise RuntimeError("the worker's database connection dropped")

    monkeypatch.setattr(importing, "report_from_result", broken)
    assert services.import_process(import_id=imp.pk) == ImportStatuses.FAILED
    imp.refresh_from_db()
    assert "Onverwachte fout" in imp.error and imp.finished_at is not None
    assert not ReceptionPlace.objects.exists()
    assert not AuditEvent.objects.filter(object_type="hvt.receptionplace").exists()
    monkeypatch.setattr(importing, "report_from_result", real)
    assert services.import_process(import_id=imp.pk) == ImportStatuses.FAILED  # final: not retried


def test_a_worker_lost_during_the_import_is_completed_by_the_next_delivery(coordinator):
    imp = create(coordinator, rows=3)
    services.import_process(import_id=imp.pk)
    services.import_confirm(actor=coordinator, import_=imp)
    Import.objects.filter(pk=imp.pk).update(attempts=1)  # a delivery that started and whose worker died
    assert services.import_process(import_id=imp.pk) == ImportStatuses.DONE
    assert ReceptionPlace.objects.count() == 3


def test_a_step_that_kept_killing_its_worker_is_given_up(coordinator):
    imp = create(coordinator)
    Import.objects.filter(pk=imp.pk).update(status=ImportStatuses.CHECKING, attempts=services.MAX_ATTEMPTS)
    assert services.import_process(import_id=imp.pk) == ImportStatuses.FAILED
    imp.refresh_from_db()
    assert "3 keer afgebroken" in imp.error


def test_lost_tasks_are_sent_again_by_the_schedule(coordinator, sent, frozen_now, django_capture_on_commit_callbacks):
    now = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC)
    frozen_now(now)
    fresh, waiting, checking, running, hung, done = (create(coordinator) for _ in range(6))
    sent.clear()
    for imp, status, age in [(fresh, "received", 1), (waiting, "received", 6), (checking, "checking", 20),
                             (running, "running", 36), (hung, "checking", 40), (done, "done", 500)]:
        Import.objects.filter(pk=imp.pk).update(status=status, updated_at=now - dt.timedelta(minutes=age))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.imports_resend_stale.delay().get() == 3
    assert sorted(args[0] for _name, args in sent) == sorted([waiting.pk, running.pk, hung.pk])


def test_progress_is_reported_per_row_while_the_check_runs(coordinator, monkeypatch):
    calls = []
    monkeypatch.setattr(importing, "progress_set", lambda pk, **kw: calls.append(kw))
    imp = create(coordinator, rows=300)
    services.import_process(import_id=imp.pk)
    checks = [c for c in calls if c["phase"] == "check"]
    assert checks[0] == {"done": 0, "total": 300, "phase": "check"}
    done = [c["done"] for c in checks]
    assert done == sorted(done) and len(done) > 50 and done[-1] == 300
    imp.refresh_from_db()
    assert (imp.progress_done, imp.progress_total) == (300, 300)
    assert importing.progress_get(imp.pk) is None  # cleared: the row holds the final figures


def test_the_places_audit_events_carry_the_confirming_request(coordinator):
    imp = create(coordinator, rows=2)
    services.import_process(import_id=imp.pk)
    token = context.bind(context.RequestContext(request_id="req-confirm-7", client_ip="192.0.2.44"))
    try:
        services.import_confirm(actor=coordinator, import_=imp)
    finally:
        context.reset(token)
    services.import_process(import_id=imp.pk)  # the worker: no request context of its own
    events = AuditEvent.objects.filter(object_type="hvt.receptionplace")
    assert events.count() == 2
    assert set(events.values_list("actor_id", "request_id", "client_ip")) == {(coordinator.pk, "req-confirm-7",
                                                                               "192.0.2.44")}


def test_the_import_is_all_or_nothing_when_the_data_changed_after_the_check(coordinator, make_user):
    """The rows are checked again when the import runs: a rule broken since the check fails the whole file."""
    imp = create(coordinator, rows=3)
    services.import_process(import_id=imp.pk)
    services.import_confirm(actor=coordinator, import_=imp)
    from geo.models import PostalCode

    PostalCode.objects.filter(code="9000", municipality_id="44021").delete()
    assert services.import_process(import_id=imp.pk) == ImportStatuses.FAILED
    imp.refresh_from_db()
    assert [r["row"] for r in imp.report["row_errors"]] == [1, 2, 3]
    assert "3 rijen bevatten fouten; niets is opgeslagen." == imp.error
    assert not ReceptionPlace.objects.exists()


def test_no_query_reads_the_file_for_the_list(coordinator, django_assert_num_queries):
    from core import selectors

    for _ in range(3):
        create(coordinator)
    with django_assert_num_queries(1) as captured:
        rows = list(selectors.imports_for_user(coordinator))
    assert len(rows) == 3 and '"content"' not in captured.captured_queries[0]["sql"]
