from django.db import models
from django.utils.translation import gettext_lazy as _


class CrtRoles(models.TextChoices):
    """The CRT realm's roles. Held only in crt.RoleAssignment (crt database)."""

    CASE_MANAGER = "crt_case_manager", _("Dossierbeheerder")
    REPORTING = "crt_reporting", _("Reporting")
    CENTRAL_ADMIN = "crt_central_admin", _("Centraal beheer")
    SECURITY_AUDITOR = "crt_security_auditor", _("Security auditor CRT")


# Who may use the CRT admin site (/crt/beheer/), with a verified second factor.
ADMIN_ROLES = (CrtRoles.CENTRAL_ADMIN, CrtRoles.SECURITY_AUDITOR)


class Sexes(models.TextChoices):
    FEMALE = "F", _("vrouw")
    MALE = "M", _("man")
    OTHER = "X", _("andere")


class NumberKinds(models.TextChoices):
    NATIONAL = "nn", _("rijksregisternummer")
    BIS = "bis", _("BIS-nummer")


class HouseholdRoles(models.TextChoices):
    HEAD = "head", _("referentiepersoon")
    PARTNER = "partner", _("partner")
    CHILD = "child", _("kind")
    OTHER = "other", _("ander gezinslid")


class DossierStatuses(models.TextChoices):
    REGISTERED = "registered", _("geregistreerd")
    PRE_TRAJECTORY = "pre_trajectory", _("in voortraject")
    REFERRED = "referred", _("doorverwezen")
    CIVIC_INTEGRATION = "civic_integration", _("in inburgeringstraject")
    MOVED_AWAY = "moved_away", _("verhuisd")
    CLOSED = "closed", _("afgesloten")


# Statuses that end the registration in the municipality (for the counts at a reference date).
ENDING_STATUSES = frozenset({DossierStatuses.MOVED_AWAY, DossierStatuses.CLOSED})


class ReferralServices(models.TextChoices):
    CIVIC_INTEGRATION = "civic_integration", _("inburgering")
    WORK = "work", _("werk")
    EDUCATION = "education", _("onderwijs")
    HOUSING = "housing", _("wonen")
    HEALTH = "health", _("gezondheid")


class ReferralOutcomes(models.TextChoices):
    PENDING = "pending", _("nog geen uitkomst")
    STARTED = "started", _("gestart")
    COMPLETED = "completed", _("afgerond")
    REFUSED = "refused", _("geweigerd")
    NOT_REACHED = "not_reached", _("niet bereikt")


class RegisterFlags(models.TextChoices):
    NONE = "", _("geen")
    MOVED = "moved", _("verhuisd volgens rijksregister")
    DECEASED = "deceased", _("overleden volgens rijksregister")


class LookupPurposes(models.TextChoices):
    """Legal purposes for which the national register may be consulted (recorded on every lookup)."""

    REGISTRATION = "registration", _("Registratie van een ontheemde persoon (tijdelijke bescherming)")
    IDENTITY_CHECK = "identity_check", _("Controle van identiteit en adres voor de dossieropvolging")
    CIVIC_INTEGRATION = "civic_integration", _("Toeleiding naar inburgering (decreet inburgering)")
    SYNC = "sync", _("Periodieke actualisering van adressen (geplande synchronisatie)")


class RevealReasons(models.TextChoices):
    CONTACT = "contact", _("Contact opnemen met de persoon")
    IDENTITY = "identity", _("Identiteit controleren bij een afspraak")
    REFERRAL = "referral", _("Doorverwijzing naar een dienst")
    CORRECTION = "correction", _("Gegevens verbeteren")


class ReadPurposes(models.TextChoices):
    """Why a page showed persons: recorded on the CRT read event (``changes["purpose"]`` and ``reason``).

    The values are the Dutch words an auditor filters on; they never change once events exist.
    """

    DOSSIER = "dossier", _("dossier geopend")
    LIST = "lijst", _("lijst")
    SEARCH = "zoekopdracht", _("zoekopdracht")
    POPUP = "popup", _("keuzevenster")
    AUTOCOMPLETE = "autocomplete", _("autocomplete")
    DUPLICATE_CHECK = "dubbele registratie", _("controle op dubbele registratie")
    IDENTITY = "identiteit", _("identiteit getoond")


# The reason of the reveal-type event a number search writes when it finds a person: finding
# someone by their number confirms that identity (stored as is, like the purposes above).
NUMBER_SEARCH_REASON = "zoeken op rijksregisternummer"
DUPLICATE_NUMBER_REASON = "dubbele registratie: zelfde rijksregisternummer"


# Associated data of each encrypted column: crt.crypto binds a token to its column, so a token
# copied into another column does not decrypt.
CTX_NUMBER = "crt.person.national_number"
CTX_PHONE = "crt.person.phone"
CTX_EMAIL = "crt.person.email"
CTX_STATUS_NOTE = "crt.statuschange.note"
CTX_REFERRAL_NOTE = "crt.referral.note"
CTX_OUTCOME_NOTE = "crt.referral.outcome_note"


class CountDimensions(models.TextChoices):
    """The cells counted at a date (``crt.CountChange``): the reporting page's tables; the
    municipality cells are also the guidance-subsidy count of the budget app."""

    MUNICIPALITY = "municipality", _("Gemeente")
    AGE_BAND = "age_band", _("Leeftijdsgroep")
    SEX = "sex", _("Geslacht")
    STATUS = "status", _("Status")
    ORGANISATION = "organisation", _("Organisatie")
    MONTH = "month", _("Maand van registratie")


AGE_BANDS = [(0, 5, "0-4"), (5, 12, "5-11"), (12, 18, "12-17"), (18, 30, "18-29"), (30, 45, "30-44"),
             (45, 65, "45-64"), (65, 200, "65+")]
SUPPRESSION_THRESHOLD = 5
ROUNDING_BASE = 5  # published counts are multiples of this (crt/README.md, "Published figures")
