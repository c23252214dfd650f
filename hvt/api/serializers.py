from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictJSONSerializer
from hvt.constants import MAX_HOUSEHOLD_SIZE, MAX_OFFER_CAPACITY, MAX_PLACE_CAPACITY, Category2Subtypes, PlaceCategories
from hvt.models import Allocation, MunicipalityTarget, PlaceOffer, ReceptionPlace, household_reference_validator
from hvt.querysets import realisation


class PlaceSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality_id", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name_nl", read_only=True)
    beds_in_use = serializers.IntegerField(read_only=True, help_text="Beds in use today.")
    is_available = serializers.BooleanField(read_only=True, help_text=(
        "Validated and, for a category-2 place from 1 June 2023, confirmed by the agency: its capacity counts "
        "as available beds on every day it is open (hvt.querysets.available_q)."))
    # Explicit so that the schema allows "" (read-only model fields lose allow_blank; found by the API fuzzing).
    category_2_subtype = serializers.ChoiceField(choices=Category2Subtypes.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ReceptionPlace
        fields = [
            "id", "municipality", "municipality_name", "name", "street", "house_number", "postal_code", "operator",
            "capacity", "category", "category_2_subtype", "start_date", "end_date", "accessible", "pets_allowed",
            "notes", "status", "source", "validated_on", "agency_confirmed_on", "is_available", "beds_in_use",
            "is_demo", "created_at", "updated_at",
        ]
        read_only_fields = fields


class PlaceWriteSerializer(StrictJSONSerializer):
    municipality = serializers.CharField(max_length=5, help_text="REFNIS code of the municipality.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=200)
    house_number = serializers.CharField(max_length=20)
    postal_code = serializers.CharField(max_length=4)
    operator = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_PLACE_CAPACITY)
    category = serializers.ChoiceField(choices=PlaceCategories.choices)
    category_2_subtype = serializers.ChoiceField(choices=Category2Subtypes.choices, required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    accessible = serializers.BooleanField(required=False, default=False)
    pets_allowed = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlaceUpdateSerializer(StrictJSONSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    operator = serializers.CharField(max_length=200, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_PLACE_CAPACITY, required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    accessible = serializers.BooleanField(required=False)
    pets_allowed = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["id", "place", "household_reference", "household_size", "adults", "minors", "start_date", "end_date",
                  "end_reason", "moved_from", "resident_fee_per_day", "created_at"]
        read_only_fields = fields


class AllocationWriteSerializer(StrictJSONSerializer):
    place = serializers.IntegerField()
    household_reference = serializers.CharField(max_length=40, validators=[household_reference_validator])
    household_size = serializers.IntegerField(min_value=1, max_value=MAX_HOUSEHOLD_SIZE)
    adults = serializers.IntegerField(min_value=0, max_value=MAX_HOUSEHOLD_SIZE)
    minors = serializers.IntegerField(min_value=0, max_value=MAX_HOUSEHOLD_SIZE)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    resident_fee_per_day = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.00"), required=False, default=Decimal("0.00")
    )


class AllocationEndSerializer(StrictJSONSerializer):
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OfferSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality_id", read_only=True)
    category_2_subtype = serializers.ChoiceField(choices=Category2Subtypes.choices, allow_blank=True, read_only=True)

    class Meta:
        model = PlaceOffer
        fields = ["id", "municipality", "street", "house_number", "postal_code", "operator", "capacity", "category",
                  "category_2_subtype", "available_from", "available_until", "accessible", "pets_allowed", "notes",
                  "status", "rejection_reason", "place", "created_at", "decided_at"]
        read_only_fields = fields


class OfferWriteSerializer(StrictJSONSerializer):
    municipality = serializers.CharField(max_length=5)
    street = serializers.CharField(max_length=200)
    house_number = serializers.CharField(max_length=20)
    postal_code = serializers.CharField(max_length=4)
    operator = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_OFFER_CAPACITY)
    category = serializers.ChoiceField(choices=PlaceCategories.choices, default=PlaceCategories.CAT1_PRIVATE)
    category_2_subtype = serializers.ChoiceField(choices=Category2Subtypes.choices, required=False, allow_blank=True, default="")
    available_from = serializers.DateField()
    available_until = serializers.DateField(required=False, allow_null=True, default=None)
    accessible = serializers.BooleanField(required=False, default=False)
    pets_allowed = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class TargetSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality_id", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name_nl", read_only=True)
    round_total = serializers.IntegerField(source="round.total", read_only=True)
    effective_on = serializers.DateField(source="round.effective_on", read_only=True)
    available_beds = serializers.IntegerField(read_only=True)
    realisation = serializers.SerializerMethodField()

    class Meta:
        model = MunicipalityTarget
        fields = ["id", "round", "round_total", "effective_on", "municipality", "municipality_name", "population",
                  "computed", "override", "assigned", "available_beds", "realisation"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(
        max_digits=8, decimal_places=1, coerce_to_string=False, allow_null=True,
        help_text="Available validated beds / target as a percentage with one decimal (85.0 = 85 %), "
                  "as on every page and export (hvt.querysets.realisation); null without a target."))
    def get_realisation(self, obj) -> Decimal | None:
        return realisation(obj.available_beds, obj.assigned)


class QualityCheckWriteSerializer(StrictJSONSerializer):
    checked_on = serializers.DateField()
    inspector = serializers.CharField(max_length=200)
    no_category_3_defects = serializers.BooleanField()
    no_critical_category_2_defects = serializers.BooleanField()
    not_uninhabitable = serializers.BooleanField()
    no_overcrowding = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlaceQualityCheckSerializer(QualityCheckWriteSerializer):
    validate_place = serializers.BooleanField(
        required=False, default=False, help_text="Also validate the place (when it passes and is still registered)."
    )


class PlaceCloseSerializer(StrictJSONSerializer):
    end_date = serializers.DateField(help_text="The last day of the place.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AllocationMoveSerializer(StrictJSONSerializer):
    to_place = serializers.IntegerField()
    move_date = serializers.DateField(help_text="The first day in the new place.")


class OfferRejectSerializer(StrictJSONSerializer):
    reason = serializers.CharField(max_length=500)
