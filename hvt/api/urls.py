from hvt.api.views import AllocationViewSet, OfferViewSet, PlaceViewSet, TargetViewSet

ROUTES = [
    ("hvt/places", PlaceViewSet, "hvt-place"),
    ("hvt/allocations", AllocationViewSet, "hvt-allocation"),
    ("hvt/offers", OfferViewSet, "hvt-offer"),
    ("hvt/targets", TargetViewSet, "hvt-target"),
]
