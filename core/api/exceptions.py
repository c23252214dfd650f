from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, but a 404 never names the model ("No ReceptionPlace matches the given
    query."): the same translated "Niet gevonden." for every object that does not exist or lies
    outside the caller's scope."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
