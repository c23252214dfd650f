"""Small object builders for matrix entries: each takes a Scope and returns the URL kwargs."""

from __future__ import annotations

import itertools

from tests.security.expectations._base import Scope

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def user(scope: Scope) -> dict:
    from tests.factories import make_user

    u = make_user("hvt_municipal_full", username=f"obj-user-{_n()}", municipalities=[scope.municipality])
    return {"object_id": u.pk}


def user_id(scope: Scope) -> dict:
    return {"id": user(scope)["object_id"]}


def organisation(scope: Scope) -> dict:
    from accounts.models import Organisation

    n = _n()
    org = Organisation.objects.create(name=f"Objectorganisatie {n}", code=f"obj-org-{n}", kind="local_government")
    return {"object_id": org.pk}


def role_assignment(scope: Scope) -> dict:
    from tests.factories import make_user

    u = make_user("hvt_municipal_limited", username=f"obj-ra-{_n()}", municipalities=[scope.municipality])
    return {"object_id": u.role_assignments.get().pk}


def audit_event(scope: Scope) -> dict:
    from audit.constants import AuditActions
    from audit.models import AuditEvent
    from audit.services import audit_log

    audit_log(actor=None, action=AuditActions.CREATE, object_type="matrix.object", object_id=str(_n()), changes={})
    return {"object_id": AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]}


def group(scope: Scope) -> dict:
    from django.contrib.auth.models import Group

    return {"object_id": Group.objects.get_or_create(name="support")[0].pk}


def token(scope: Scope) -> dict:
    """An API key (django-rest-knox) of a technical account; the admin's object id is its digest."""
    from knox.models import AuthToken

    from tests.factories import make_user

    instance, _key = AuthToken.objects.create(user=make_user(None, username=f"obj-token-{_n()}", is_technical_account=True))
    return {"object_id": instance.pk}


def access_attempt(scope: Scope) -> dict:
    from axes.models import AccessAttempt

    a = AccessAttempt.objects.create(
        # not the test client's address: a sign-in from 127.0.0.1 resets that address's attempts
        username=f"obj-{_n()}", ip_address="192.0.2.1", user_agent="matrix", get_data="", post_data="", failures_since_start=1
    )
    return {"object_id": a.pk}


def access_log(scope: Scope) -> dict:
    from axes.models import AccessLog

    return {"object_id": AccessLog.objects.create(username=f"obj-{_n()}", ip_address="127.0.0.1", user_agent="m").pk}


def access_failure_log(scope: Scope) -> dict:
    from axes.models import AccessFailureLog

    a = AccessFailureLog.objects.create(username=f"obj-{_n()}", ip_address="127.0.0.1", user_agent="m", locked_out=False)
    return {"object_id": a.pk}


def totp_device(scope: Scope) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import make_user

    d = TOTPDevice.objects.create(user=make_user(None, username=f"obj-totp-{_n()}"), name="obj", confirmed=True)
    return {"object_id": d.pk}


def totp_device_pk(scope: Scope) -> dict:
    return {"pk": totp_device(scope)["object_id"]}


def static_device(scope: Scope) -> dict:
    from django_otp.plugins.otp_static.models import StaticDevice

    from tests.factories import make_user

    d = StaticDevice.objects.create(user=make_user(None, username=f"obj-static-{_n()}"), name="obj")
    return {"object_id": d.pk}


def interval_schedule(scope: Scope) -> dict:
    from django_celery_beat.models import IntervalSchedule

    return {"object_id": IntervalSchedule.objects.create(every=_n(), period="minutes").pk}


def crontab_schedule(scope: Scope) -> dict:
    from django_celery_beat.models import CrontabSchedule

    return {"object_id": CrontabSchedule.objects.create(minute=str(_n() % 60), hour="3").pk}


def solar_schedule(scope: Scope) -> dict:
    from django_celery_beat.models import SolarSchedule

    s = SolarSchedule.objects.create(event="sunrise", latitude="51.05", longitude=str(3 + _n() / 1000))
    return {"object_id": s.pk}


def clocked_schedule(scope: Scope) -> dict:
    import datetime as dt

    from django_celery_beat.models import ClockedSchedule

    c = ClockedSchedule.objects.create(clocked_time=dt.datetime(2030, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=_n()))
    return {"object_id": c.pk}


def periodic_task(scope: Scope) -> dict:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval = IntervalSchedule.objects.create(every=1000 + _n(), period="minutes")
    t = PeriodicTask.objects.create(name=f"matrix-{_n()}", task="core.tasks.noop", interval=interval)
    return {"object_id": t.pk}


# --- geo: reference data present in every test database ---------------------------------------------
def province(scope: Scope) -> dict:
    return {"object_id": scope.province}


def municipality(scope: Scope) -> dict:
    return {"object_id": scope.municipality}


def municipality_merger(scope: Scope) -> dict:
    from geo.models import MunicipalityMerger

    merger = MunicipalityMerger.objects.order_by("pk").first()
    if merger is None:
        merger = MunicipalityMerger.objects.create(old_refnis=f"9{_n():04d}", municipality_id=scope.municipality)
    return {"object_id": merger.pk}


def postal_code(scope: Scope) -> dict:
    from geo.models import PostalCode

    pc, _ = PostalCode.objects.get_or_create(code=f"9{_n() % 1000:03d}", municipality_id=scope.municipality)
    return {"object_id": pc.pk}


def population_figure(scope: Scope) -> dict:
    from geo.models import PopulationFigure

    fig, _ = PopulationFigure.objects.get_or_create(
        municipality_id=scope.municipality, year=2020, defaults={"men": 1, "women": 1, "total": 2}
    )
    return {"object_id": fig.pk}


def municipality_content(scope: Scope) -> dict:
    from django.contrib.contenttypes.models import ContentType

    from geo.models import Municipality

    return {"content_type_id": ContentType.objects.get_for_model(Municipality).pk, "object_id": scope.municipality}


# --- CRT realm (crt database) ---------------------------------------------------------------------------
def crt_organisation(scope: Scope) -> dict:
    return {"object_id": scope.crt_organisation().pk}


def crt_role_assignment(scope: Scope) -> dict:
    from crt.realm import crt_role_assign
    from tests.factories import make_user

    u = make_user(None, username=f"obj-crt-{_n()}")
    return {"object_id": crt_role_assign(user=u, role="crt_case_manager", organisation=scope.crt_organisation()).pk}


def crt_audit_event(scope: Scope) -> dict:
    from audit.constants import AuditActions
    from audit.services import audit_log
    from crt.models import AuditEvent

    audit_log(actor=None, action=AuditActions.CREATE, object_type="crt.matrix", object_id=str(_n()), changes={}, database="crt")
    return {"object_id": AuditEvent.objects.using("crt").order_by("-pk").values_list("pk", flat=True)[0]}


def crt_organisation_content(scope: Scope) -> dict:
    from django.contrib.contenttypes.models import ContentType

    from crt.models import Organisation

    return {"content_type_id": ContentType.objects.get_for_model(Organisation).pk, "object_id": scope.crt_organisation().pk}
