"""What the budget app imports through core's stored import (core.importing): the municipalities'
bank accounts (payees)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from budget.resources import COLUMNS, PayeeResource
from core.importing import ImportKind


def _resource(options):
    return PayeeResource()


IMPORT_KINDS = [
    ImportKind(
        code="budget.payees",
        label=_("Rekeningnummers van de gemeenten"),
        model="budget.payee",
        permission="budget.import_payees",
        resource=_resource,
        columns=COLUMNS,
        help_text=_("Eén rij per gemeente: NIS-code, IBAN, BIC (mag leeg voor een Belgisch IBAN) en de naam van de "
                    "rekeninghouder. Een gemeente met een rekening krijgt de nieuwe gegevens. Eén foute rij en er "
                    "wordt niets opgeslagen."),
        known_errors=(PermissionDenied,),
    ),
]
