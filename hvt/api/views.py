"""REST API (/api/v1/hvt/…): the same selectors (scope) and services (rules) as the pages."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.constants import Roles
from accounts.selectors import user_has_role
from core.api.params import query_params
from hvt import selectors, services
from hvt.api import serializers as s
from hvt.api.filters import AllocationListParams, PlaceListParams, TargetListParams
from hvt.constants import READ_ROLES, TARGET_ROLES, WRITE_ROLES
from hvt.models import Allocation, MunicipalityTarget, PlaceOffer, ReceptionPlace
from licensing.api_permissions import HasToolLicence


@contextmanager
def service_errors():
    """Service errors become API errors: scope → 403, rule → 400 with the field messages."""
    try:
        yield
    except services.ScopeError as exc:
        raise exceptions.PermissionDenied(" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(detail) from exc


def role_permission(read: frozenset, write: frozenset):
    class HasRole(BasePermission):
        def has_permission(self, request, view):
            roles = read if request.method in ("GET", "HEAD", "OPTIONS") else write
            return user_has_role(request.user, *roles)

    return HasRole


@extend_schema_view(
    list=extend_schema(parameters=[PlaceListParams]),
    create=extend_schema(request=s.PlaceWriteSerializer, responses={201: s.PlaceSerializer}),
    partial_update=extend_schema(request=s.PlaceUpdateSerializer, responses=s.PlaceSerializer),
)
class PlaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Reception places in the caller's scope."""

    serializer_class = s.PlaceSerializer
    permission_classes = [IsAuthenticated, HasToolLicence, role_permission(READ_ROLES, WRITE_ROLES)]
    http_method_names = ["get", "post", "patch", "head", "options"]

    queryset = ReceptionPlace.objects.none()  # for the schema (id type); requests use get_queryset

    def get_queryset(self):
        if self.action != "list":  # filters narrow the list only; a detail is found in the whole scope
            return selectors.place_list_for_user(self.request.user)
        p = query_params(self.request, PlaceListParams)
        return selectors.place_list_for_user(
            self.request.user, q=p.get("q", ""), municipality=p.get("municipality", ""),
            category=p.get("category", ""), status=p.get("status", ""), with_free_beds=p.get("free", False),
        )

    def _read(self, pk):
        return self.get_queryset().get(pk=pk)

    def create(self, request, *args, **kwargs):
        data = s.PlaceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            place = services.place_register(actor=request.user, source="api", **data.validated_data)
        return Response(s.PlaceSerializer(self._read(place.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        place = selectors.place_get_for_user(request.user, kwargs["pk"], for_write=True)
        data = s.PlaceUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.place_update(actor=request.user, place=place, **data.validated_data)
        return Response(s.PlaceSerializer(self._read(place.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed("PUT")
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.PlaceQualityCheckSerializer, responses=s.PlaceSerializer)
    @action(detail=True, methods=["post"], url_path="quality-check")
    def quality_check(self, request, pk=None):
        """Record the housing-quality check; with ``validate_place`` also validate the place."""
        place = selectors.place_get_for_user(request.user, pk, for_write=True)
        data = s.PlaceQualityCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        validate = values.pop("validate_place")
        with service_errors():
            services.quality_check_record(actor=request.user, place=place, validate=validate, **values)
        return Response(s.PlaceSerializer(self._read(place.pk)).data)

    @extend_schema(request=s.PlaceCloseSerializer, responses=s.PlaceSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        place = selectors.place_get_for_user(request.user, pk, for_write=True)
        data = s.PlaceCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            services.place_close(actor=request.user, place=place, **data.validated_data)
        return Response(s.PlaceSerializer(self._read(place.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[AllocationListParams]),
    create=extend_schema(request=s.AllocationWriteSerializer, responses={201: s.AllocationSerializer}),
)
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """Allocations of households (pseudonymous references) to places in the caller's scope."""

    serializer_class = s.AllocationSerializer
    permission_classes = [IsAuthenticated, HasToolLicence, role_permission(READ_ROLES, WRITE_ROLES)]

    queryset = Allocation.objects.none()  # for the schema (id type); requests use get_queryset

    def get_queryset(self):
        if self.action != "list":
            return selectors.allocation_list_for_user(self.request.user)
        p = query_params(self.request, AllocationListParams)
        return selectors.allocation_list_for_user(self.request.user, place=p.get("place"), active_on=p.get("active_on"))

    def create(self, request, *args, **kwargs):
        data = s.AllocationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        place = selectors.place_get_for_user(request.user, values.pop("place"), for_write=True)
        with service_errors():
            allocation = services.allocation_create(actor=request.user, place=place, **values)
        return Response(s.AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AllocationEndSerializer, responses=s.AllocationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        allocation = selectors.allocation_get_for_user(request.user, pk, for_write=True)
        data = s.AllocationEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            allocation = services.allocation_end(actor=request.user, allocation=allocation, **data.validated_data)
        return Response(s.AllocationSerializer(allocation).data)

    @extend_schema(request=s.AllocationMoveSerializer, responses={201: s.AllocationSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """End the allocation the day before ``move_date`` and allocate the household in ``to_place``."""
        allocation = selectors.allocation_get_for_user(request.user, pk, for_write=True)
        data = s.AllocationMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_place = selectors.place_get_for_user(request.user, data.validated_data["to_place"], for_write=True)
        with service_errors():
            moved = services.allocation_move(actor=request.user, allocation=allocation, to_place=to_place,
                                             move_date=data.validated_data["move_date"])
        return Response(s.AllocationSerializer(moved).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=s.OfferWriteSerializer, responses={201: s.OfferSerializer}))
class OfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Portal offers: a portal user's own offers, or an officer's validation queue."""

    serializer_class = s.OfferSerializer
    queryset = PlaceOffer.objects.none()  # for the schema (id type); requests use get_queryset
    permission_classes = [IsAuthenticated, HasToolLicence, role_permission(WRITE_ROLES | {Roles.PORTAL_USER}, frozenset({Roles.PORTAL_USER}))]

    def get_queryset(self):
        user = self.request.user
        if user_has_role(user, *WRITE_ROLES):
            queue = selectors.offer_queue_for_user(user, status="")
            if user_has_role(user, Roles.PORTAL_USER):
                return (queue | selectors.offer_list_for_portal_user(user)).distinct()
            return queue
        return selectors.offer_list_for_portal_user(user)

    def create(self, request, *args, **kwargs):
        data = s.OfferWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            offer = services.offer_submit(actor=request.user, **data.validated_data)
        return Response(s.OfferSerializer(PlaceOffer.objects.get(pk=offer.pk)).data, status=status.HTTP_201_CREATED)

    def _queue_offer(self, request, pk):
        return get_object_or_404(selectors.offer_queue_for_user(request.user, status=""), pk=pk)

    @extend_schema(request=s.QualityCheckWriteSerializer, responses={201: s.PlaceSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, HasToolLicence, role_permission(WRITE_ROLES, WRITE_ROLES)])
    def validate(self, request, pk=None):
        """The municipality validates the offer with its housing-quality check: the place is created."""
        offer = self._queue_offer(request, pk)
        data = s.QualityCheckWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            place = services.offer_validate(actor=request.user, offer=offer, **data.validated_data)
        place = selectors.place_list_for_user(request.user).get(pk=place.pk)
        return Response(s.PlaceSerializer(place).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OfferRejectSerializer, responses=s.OfferSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, HasToolLicence, role_permission(WRITE_ROLES, WRITE_ROLES)])
    def reject(self, request, pk=None):
        offer = self._queue_offer(request, pk)
        data = s.OfferRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            offer = services.offer_reject(actor=request.user, offer=offer, reason=data.validated_data["reason"])
        return Response(s.OfferSerializer(offer).data)


@extend_schema_view(list=extend_schema(parameters=[TargetListParams]))
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Indicative targets of the current round in the caller's scope, with realisation."""

    serializer_class = s.TargetSerializer
    queryset = MunicipalityTarget.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [IsAuthenticated, HasToolLicence, role_permission(TARGET_ROLES, frozenset())]

    def get_queryset(self):
        qs = selectors.target_list_for_user(self.request.user).select_related("round")
        if self.action != "list":
            return qs
        municipality = query_params(self.request, TargetListParams).get("municipality")
        return qs.filter(municipality_id=municipality) if municipality else qs
