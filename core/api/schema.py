"""OpenAPI: every operation documents the errors it can answer, with their bodies.

An API client (and a fuzzer) must find every status the API sends in the schema. The statuses are
the same everywhere, so they are added here instead of on each view: 400 (invalid parameters or
body, or a rule of the service — the body says which field), 401 (session ended), 403 (no
permission, no licence, second factor missing), 404 (no such object in your scope, no such page),
and 415 for operations that take a body.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Wat er mis is, in de taal van de gebruiker (standaard Nederlands).")

    class Meta:
        ref_name = "Error"


class ValidationErrorSerializer(serializers.Serializer):
    """Field name → messages (any field of the request: the object admits more properties);
    ``non_field_errors`` for a rule about several fields or the object's state (e.g. a closed place
    cannot be changed); ``detail`` when the request as a whole is refused."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        ref_name = "ValidationError"


ERRORS = {
    "400": ("Ongeldige parameters of invoer, of een regel van de dienst (per veld de meldingen).", "validation"),
    "401": ("Niet (meer) aangemeld: de sessie is verlopen.", "error"),
    "403": ("Geen toegang: geen of ongeldige aanmelding, geen rol of licentie, of tweestapsverificatie ontbreekt.", "error"),
    "404": ("Niet gevonden: het object bestaat niet of valt buiten uw bereik, of de pagina bestaat niet.", "error"),
    "415": ("Het formaat van de inhoud wordt niet ondersteund (gebruik application/json).", "error"),
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        takes_body = self.method in ("POST", "PUT", "PATCH")
        for code, (description, kind) in ERRORS.items():
            if code in responses or (code == "415" and not takes_body):
                continue
            serializer = ValidationErrorSerializer if kind == "validation" else ErrorSerializer
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=serializer, description=description), code, direction=direction
            )
        return responses
