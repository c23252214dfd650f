from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

FLEMISH_REGION = "02000"


class Province(models.Model):
    refnis = models.CharField(_("NIS-code"), max_length=5, primary_key=True)
    name_nl = models.CharField(_("naam"), max_length=100)
    name_fr = models.CharField(_("naam (FR)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")
        permissions = [("scope_province", "Werkt in de gemeenten van deze provincie")]

    def __str__(self):
        return self.name_nl


class Municipality(models.Model):
    """A Flemish municipality on the map of 1 January 2025 (285)."""

    refnis = models.CharField(_("NIS-code"), max_length=5, primary_key=True)
    name_nl = models.CharField(_("naam"), max_length=100, db_index=True)
    name_fr = models.CharField(_("naam (FR)"), max_length=100, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        permissions = [("scope_municipality", "Werkt in deze gemeente")]

    def __str__(self):
        return self.name_nl


class PostalCode(models.Model):
    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        constraints = [models.UniqueConstraint(fields=["code", "municipality"], name="geo_postalcode_unique")]

    def __str__(self):
        return f"{self.code} {self.municipality}"


class MunicipalityMerger(models.Model):
    """Maps a pre-2025 REFNIS code onto the municipality it belongs to since 1 January 2025.

    Unchanged municipalities map onto themselves, so every one of the 300 old codes is here.
    """

    old_refnis = models.CharField(_("oude NIS-code"), max_length=5, primary_key=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="former_codes")

    class Meta:
        ordering = ["old_refnis"]
        verbose_name = _("fusie 2025")
        verbose_name_plural = _("fusies 2025")

    def __str__(self):
        return f"{self.old_refnis} → {self.municipality_id}"


class PopulationFigure(models.Model):
    """Population of a (2025) municipality on 1 January of a reference year."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="population_figures")
    year = models.PositiveSmallIntegerField(_("referentiejaar"))
    men = models.PositiveIntegerField(_("mannen"))
    women = models.PositiveIntegerField(_("vrouwen"))
    total = models.PositiveIntegerField(_("totaal"))
    imported_at = models.DateTimeField(_("geïmporteerd op"), auto_now=True)

    class Meta:
        ordering = ["municipality", "-year"]
        verbose_name = _("bevolkingscijfer")
        verbose_name_plural = _("bevolkingscijfers")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="geo_population_unique_year"),
            models.CheckConstraint(condition=models.Q(total=models.F("men") + models.F("women")), name="geo_population_sum",
                                  violation_error_message=_("Het totaal moet gelijk zijn aan mannen plus vrouwen.")),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}: {self.total}"


class MunicipalityBoundary(models.Model):
    """Geometry (GeoJSON) of a municipality, for maps. Merged municipalities get a MultiPolygon."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("gemeentegrens")
        verbose_name_plural = _("gemeentegrenzen")

    def __str__(self):
        return str(self.municipality_id)


# Scope permissions with direct foreign keys (django-guardian): list queries join on them in SQL.
class MunicipalityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Municipality, on_delete=models.CASCADE)


class ProvinceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Province, on_delete=models.CASCADE)
