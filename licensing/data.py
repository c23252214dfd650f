"""The licence plans of the government note (section C.II) as data: loaded by a data migration.

2024 plan (April 2024 – March 2025), DOMAIN §2, 250 full + 160 limited = 410 named licences plus
50 portal licences.

2023 plan: 650 named licences. The note's sub-totals do not all add up: it says HVT drops by 123
(103 full + 20 limited) and CRT by 119 (2 full + 29 limited), but 2 + 29 = 31, not 119. The split
chosen here keeps every statement that can hold together:
- 650 named licences in all;
- HVT: 342 full + 151 limited = 493, i.e. exactly 103 full and 20 limited more than 2024 (−123);
- CRT: 5 full + 146 limited = 151, i.e. −119 in all and −2 full as the note says; the limited
  drop is then 117, not 29 (the one figure that cannot be kept);
- general: 6 full (650 − 493 − 151), so general grows by 2 in 2024.
The per-group split inside a tool is ours (the note gives only the tool totals for 2023): the
HVT difference sits with the local and regional governments, the CRT difference with the case
managers and reporting. The note gives no portal figure for 2023, so the 2023 plan has no portal
pool. The reports compute every difference from these rows; nothing copies the note's prose.

Unit prices: the note gives none, only the 2024 licence budget line (€ 353,700.00, DOMAIN §3).
€ 1,050 per full and € 570 per limited licence make the 2024 named pools cost exactly that
(250 × 1,050 + 160 × 570 = 353,700); portal licences are included (€ 0). 2023 uses the same
prices. Coordinators change prices and seats in the admin.
"""

from decimal import Decimal

FULL_PRICE = Decimal("1050.00")
LIMITED_PRICE = Decimal("570.00")

PERIODS = {
    "2023": {"name": "Licentieplan 2023", "starts_on": "2023-04-01", "ends_on": "2024-03-31"},
    "2024": {"name": "Licentieplan 2024", "starts_on": "2024-04-01", "ends_on": "2025-03-31"},
}

# (tool, group) → (full, limited) per plan
PLAN_SEATS = {
    "2024": {
        ("hvt", "local_governments"): (221, 131),
        ("hvt", "vlot"): (9, 0),
        ("hvt", "subsidy_coordination"): (4, 0),
        ("hvt", "central_coordination"): (4, 0),
        ("hvt", "hvt_security_auditor"): (1, 0),
        ("crt", "crt_case_managers"): (0, 26),
        ("crt", "crt_reporting"): (0, 3),
        ("crt", "crt_central_management"): (2, 0),
        ("crt", "crt_security_auditor"): (1, 0),
        ("general", "general"): (8, 0),
    },
    "2023": {
        ("hvt", "local_governments"): (324, 151),
        ("hvt", "vlot"): (9, 0),
        ("hvt", "subsidy_coordination"): (4, 0),
        ("hvt", "central_coordination"): (4, 0),
        ("hvt", "hvt_security_auditor"): (1, 0),
        ("crt", "crt_case_managers"): (0, 140),
        ("crt", "crt_reporting"): (0, 6),
        ("crt", "crt_central_management"): (4, 0),
        ("crt", "crt_security_auditor"): (1, 0),
        ("general", "general"): (6, 0),
    },
}
PORTAL_SEATS = {"2024": 50}


def plan_rows():
    """(period code, tool, licence type, group, seats, unit price) for every pool of the plans."""
    for code, seats in PLAN_SEATS.items():
        for (tool, group), (full, limited) in seats.items():
            if full:
                yield code, tool, "full", group, full, FULL_PRICE
            if limited:
                yield code, tool, "limited", group, limited, LIMITED_PRICE
        if PORTAL_SEATS.get(code):
            yield code, "portal", "portal", "portal", PORTAL_SEATS[code], Decimal("0.00")
