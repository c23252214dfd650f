"""The query parameters of the HVT API's lists: validated and documented by the same serializer
(core.api.params.query_params; ``extend_schema(parameters=[...])``)."""

from rest_framework import serializers

from hvt.constants import PlaceCategories, PlaceStatuses

REFNIS = r"^[0-9]{5}$"


class PlaceListParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                              help_text="Zoekt in straat, uitbater, naam en postcode, of een id.")
    municipality = serializers.RegexField(REFNIS, required=False, help_text="REFNIS-code van de gemeente.")
    category = serializers.ChoiceField(PlaceCategories.choices, required=False)
    status = serializers.ChoiceField(PlaceStatuses.choices, required=False)
    free = serializers.BooleanField(required=False, help_text="Alleen plaatsen met vrije bedden vandaag.")


class AllocationListParams(serializers.Serializer):
    place = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                     help_text="Alleen de toewijzingen van deze plaats (id).")
    active_on = serializers.DateField(required=False, help_text="Alleen toewijzingen die op deze dag lopen.")


class TargetListParams(serializers.Serializer):
    municipality = serializers.RegexField(REFNIS, required=False, help_text="REFNIS-code van de gemeente.")
