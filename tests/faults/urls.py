"""Test-only views for the fault tests, in front of the real URL configuration."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from accounts.models import Organisation
from core.queue import enqueue
from tests.faults.tasks import probe


def save_and_queue(request, code):
    """A change followed by a task, as a view that uses core.queue.enqueue would do."""
    Organisation.objects.create(code=code, name=f"Fault {code}", kind="local_government")
    enqueue(probe, code)
    return HttpResponse("saved")


def save_and_delay(request, code):
    """The unsafe way: task.delay() inside the request."""
    Organisation.objects.create(code=code, name=f"Fault {code}", kind="local_government")
    probe.delay(code)
    return HttpResponse("saved")


def save_then_lose_connection(request, code):
    """Write, then the PostgreSQL backend of this request is terminated (from another connection),
    then the view queries again: the connection is gone mid-request."""
    import psycopg

    Organisation.objects.create(code=code, name=f"Fault {code}", kind="local_government")
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    Organisation.objects.filter(code=code).update(name="never")
    return HttpResponse("unreachable")


urlpatterns = [
    path("fault/queue/<slug:code>/", save_and_queue),
    path("fault/delay/<slug:code>/", save_and_delay),
    path("fault/drop/<slug:code>/", save_then_lose_connection),
    path("", include("config.urls")),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
