"""Choices and fixed dates of the HVT (DOMAIN.md §4)."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Roles

# No reception place or allocation starts before the start of the reception (DOMAIN §4).
EARLIEST_START = dt.date(2022, 3, 14)
# A category-2 place starting from this date needs the Flemish agency's confirmation.
CATEGORY_2_CONFIRMATION_FROM = dt.date(2023, 6, 1)
# Upper limits checked by the services (forms, API, admin and import alike; forms show them as max).
MAX_PLACE_CAPACITY = 5000
MAX_OFFER_CAPACITY = 500
MAX_HOUSEHOLD_SIZE = 30


class PlaceCategories(models.TextChoices):
    CAT1_PUBLIC = "1_public", _("Categorie 1 – publiek")
    CAT1_PRIVATE = "1_private", _("Categorie 1 – privaat")
    CAT2 = "2", _("Categorie 2 – specifieke plaatsen")
    CAT3 = "3", _("Categorie 3 – nooddorp")


class Category2Subtypes(models.TextChoices):
    HOTEL = "hotel", _("Hotel of pension")
    HOLIDAY_PARK = "holiday_park", _("Vakantiewoning in vakantiepark")
    YOUTH_HOSTEL = "youth_hostel", _("Jeugdherberg")
    SERVICE_FLAT = "service_flat", _("Serviceflat")
    BED_AND_BREAKFAST = "bnb", _("B&B")


class PlaceStatuses(models.TextChoices):
    REGISTERED = "registered", _("Geregistreerd – wacht op validatie")
    VALIDATED = "validated", _("Gevalideerd")
    CLOSED = "closed", _("Afgesloten")


class PlaceSources(models.TextChoices):
    OFFICER = "officer", _("Gemeente")
    PORTAL = "portal", _("Portaal")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class OfferStatuses(models.TextChoices):
    OFFERED = "offered", _("Aangeboden")
    VALIDATED = "validated", _("Gevalideerd")
    REJECTED = "rejected", _("Afgewezen")


# Who may change places and allocations (in their scope) and who may read them.
WRITE_ROLES = frozenset({Roles.HVT_MUNICIPAL_FULL, Roles.HVT_MUNICIPAL_LIMITED, Roles.HVT_COORDINATOR})
READ_ROLES = WRITE_ROLES | {Roles.HVT_VLOT, Roles.HVT_SUBSIDY_COORDINATOR}
# Targets: everyone in scope who reads HVT data, except the limited municipal licence (DOMAIN §1).
TARGET_ROLES = READ_ROLES - {Roles.HVT_MUNICIPAL_LIMITED}
# Steering notes: VLOT writes them for its provinces; coordinators read and write everywhere.
NOTE_ROLES = frozenset({Roles.HVT_VLOT, Roles.HVT_COORDINATOR})
