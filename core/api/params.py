"""Query parameters are validated like a request body: declared in a serializer, which both checks
them (400 with the field messages) and documents them in the OpenAPI schema
(``extend_schema(parameters=[TheParamsSerializer])``), so what a view accepts is what the schema says."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers


def query_params(request, serializer_class: type[serializers.Serializer]) -> dict:
    """The validated parameters of ``serializer_class`` (absent ones left out). A parameter given
    twice is refused: the schema declares each one as a single value."""
    fields = serializer_class().fields
    repeated = {name: [_("Geef deze parameter maar één keer op.")]
                for name in fields if len(request.query_params.getlist(name)) > 1}
    if repeated:
        raise exceptions.ValidationError(repeated)
    present = {name: request.query_params[name] for name in fields if name in request.query_params}
    serializer = serializer_class(data=present)
    serializer.is_valid(raise_exception=True)
    return {name: value for name, value in serializer.validated_data.items() if name in present}
