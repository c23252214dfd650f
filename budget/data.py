"""The budget figures of the government note (section D), shipped as data."""

from decimal import Decimal

from budget.constants import BudgetCategories as C
from budget.constants import Tools

NOTE_BUDGET = [
    (Tools.HVT, 2024, C.LICENCES, Decimal("353700.00")),
    (Tools.HVT, 2024, C.MAINTENANCE, Decimal("140000.00")),
    (Tools.HVT, 2024, C.PROCESS_SUPPORT, Decimal("160000.00")),
    (Tools.HVT, 2024, C.IT_SUPPORT, Decimal("298000.00")),
    (Tools.HVT, 2024, C.GOVERNANCE, Decimal("80000.00")),
    # The note gives the 2023 budgets as totals only.
    (Tools.HVT, 2023, C.UNSPECIFIED, Decimal("1637100.45")),
    (Tools.CRT, 2023, C.UNSPECIFIED, Decimal("287915.00")),
]
