from django.db.models import OuterRef, QuerySet, Subquery

from geo.models import Municipality, PopulationFigure, PostalCode


def municipality_population_latest() -> QuerySet[Municipality]:
    """Municipalities annotated with their population of the latest imported reference year."""
    latest = PopulationFigure.objects.filter(municipality=OuterRef("pk")).order_by("-year")
    return Municipality.objects.annotate(
        population=Subquery(latest.values("total")[:1]),
        population_year=Subquery(latest.values("year")[:1]),
    )


def municipalities_of_postal_code(postal_code: str) -> QuerySet[Municipality]:
    """The municipalities a postal code belongs to (none outside Flanders, several for a shared code)."""
    return Municipality.objects.filter(pk__in=PostalCode.objects.filter(code=postal_code).values("municipality"))


def postal_code_belongs_to(*, postal_code: str, municipality_refnis: str) -> bool:
    return PostalCode.objects.filter(code=postal_code, municipality_id=municipality_refnis).exists()
