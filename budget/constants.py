from django.db import models
from django.utils.translation import gettext_lazy as _


class Tools(models.TextChoices):
    HVT = "hvt", _("HVT – Huisvestingstool")
    CRT = "crt", _("CRT – Centrale Registratietool")


class BudgetCategories(models.TextChoices):
    LICENCES = "licences", _("licenties")
    MAINTENANCE = "maintenance", _("jaarlijks onderhoud van de investering")
    PROCESS_SUPPORT = "process_support", _("procesondersteuning gebruikers (opleiding, opvolging, support)")
    IT_SUPPORT = "it_support", _("IT-ondersteuning en helpdesk")
    GOVERNANCE = "governance", _("governance")
    UNSPECIFIED = "unspecified", _("totaal (niet uitgesplitst)")


class RuleKinds(models.TextChoices):
    """The seven rule kinds of the subsidy scheme (DOMAIN §5, "The product's reading")."""

    CAT1_PUBLIC_ONCE = "cat1_public_once", _("Categorie 1 publiek – eenmalig per bed (90 dagen beschikbaar)")
    CAT1_PRIVATE_ONCE = "cat1_private_once", _("Categorie 1 privaat – eenmalig per bed (90 dagen bezet)")
    CAT2_DAY = "cat2_day", _("Categorie 2 – dagprijs per beschikbaar bed")
    CAT2_ASSIGNMENT_ONCE = "cat2_assignment_once", _("Categorie 2 – eenmalig per toegewezen bed")
    CAT2_RESIDENT_FEE = "cat2_resident_fee", _("Categorie 2 – min de bijdrage van de bewoners")
    CAT3_DAY = "cat3_day", _("Categorie 3 – dagprijs per beschikbaar bed")
    GUIDANCE = "guidance", _("Begeleidingssubsidie")


class RunStatuses(models.TextChoices):
    DRAFT = "draft", _("Ontwerp")
    APPROVED = "approved", _("Goedgekeurd")
