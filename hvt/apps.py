from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HvtConfig(AppConfig):
    name = "hvt"
    verbose_name = _("HVT – Huisvestingstool")
