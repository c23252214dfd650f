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
