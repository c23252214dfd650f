from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrtConfig(AppConfig):
    name = "crt"
    verbose_name = _("CRT – Centrale Registratietool")

    def ready(self):
        from crt import user_admin  # noqa: F401  (CRT users' accounts in the CRT admin site)
