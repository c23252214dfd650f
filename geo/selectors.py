from django.db.models import OuterRef, QuerySet, Subquery

from geo.models import Municipality, PopulationFigure, PostalCode


def municipality_population_latest() -> QuerySet[Municipality]:
    """Municipalities annotated with their population of the latest imported reference year."""
    latest = PopulationFigure.objects.filter(municipality=OuterRef("pk")).order_by("-year")
    return Municipality.objects.annotate(
        population=Subquery(latest.values("total")[:1]),
        population_year=Subquery(latest.values("year")[:1]),
    )


def postal_code_belongs_to(*, postal_code: str, municipality_refnis: str) -> bool:
    return PostalCode.objects.filter(code=postal_code, municipality_id=municipality_refnis).exists()
