"""Permission-matrix entries for the hvt app (see tests/security/README.md).

Municipal roles work in Gent, VLOT in Oost-Vlaanderen, coordinators everywhere. Pages of a role the
user does not hold answer 403; objects outside the scope 404; POST-only URLs 405 on a GET.
"""

from accounts.constants import Roles
from tests.security.expectations._base import (
    ALLOW,
    IN_SCOPE_ONLY,
    SUPERUSER_NO_CRT,
    AdminRule,
    Scope,
    everyone,
    only,
    posts,
    roles,
    status,
    table,
)

FULL, LIMITED = Roles.HVT_MUNICIPAL_FULL.value, Roles.HVT_MUNICIPAL_LIMITED.value
VLOT, COORD, SUBSIDY = Roles.HVT_VLOT.value, Roles.HVT_COORDINATOR.value, Roles.HVT_SUBSIDY_COORDINATOR.value
PORTAL = Roles.PORTAL_USER.value
READERS = roles(FULL, LIMITED, VLOT, COORD, SUBSIDY)
WRITERS = roles(FULL, LIMITED, COORD)
TARGET_READERS = READERS - {LIMITED}
ADMINS = roles(COORD, SUPERUSER_NO_CRT)


def place(scope: Scope) -> dict:
    from tests.hvt.helpers import make_place

    return {"pk": make_place(municipality=scope.municipality).pk}


def allocation(scope: Scope) -> dict:
    from tests.hvt.helpers import make_allocation

    return {"pk": make_allocation(municipality=scope.municipality).pk}


def offer(scope: Scope) -> dict:
    from tests.hvt.helpers import make_offer

    return {"pk": make_offer(municipality=scope.municipality).pk}


def target(scope: Scope) -> dict:
    """A target of the current round (the matrix builds every object first: a round per target
    would leave the earlier ones in a superseded round, which the pages no longer show)."""
    from hvt.models import MunicipalityTarget
    from hvt.selectors import target_round_current
    from tests.hvt.helpers import make_target

    current = target_round_current()
    if current is None:
        return {"pk": make_target(municipality=scope.municipality).pk}
    return {"pk": MunicipalityTarget.objects.get(round=current, municipality_id=scope.municipality).pk}


def municipality(scope: Scope) -> dict:
    return {"refnis": scope.municipality}


def _admin(builder):
    def build(scope: Scope) -> dict:
        return {"object_id": builder(scope)["pk"]}

    return build


def admin_quality_check(scope: Scope) -> dict:
    from hvt.models import QualityCheck

    return {"object_id": QualityCheck.objects.get(place_id=place(scope)["pk"]).pk}


def admin_steering_note(scope: Scope) -> dict:
    from hvt import services
    from tests.factories import make_user

    author = make_user(COORD)
    return {"object_id": services.steering_note_create(actor=author, municipality=scope.municipality, text="matrix").pk}


_snapshot_day = [0]


def admin_snapshot(scope: Scope) -> dict:
    import datetime as dt

    from hvt import services
    from hvt.models import CapacitySnapshot

    place(scope)
    _snapshot_day[0] += 1  # a day per call: taking a day again replaces that day's snapshots
    services.snapshot_take(day=dt.date(2022, 5, 1) + dt.timedelta(days=_snapshot_day[0]))
    return {"object_id": CapacitySnapshot.objects.filter(municipality_id=scope.municipality).latest("pk").pk}


def admin_target_round(scope: Scope) -> dict:
    from hvt.models import MunicipalityTarget

    return {"object_id": MunicipalityTarget.objects.get(pk=target(scope)["pk"]).round_id}


def _scoped(without=()):
    """Municipal roles and VLOT inside their scope only; the Flanders-wide readers everywhere."""
    rows = {FULL: IN_SCOPE_ONLY, LIMITED: IN_SCOPE_ONLY, VLOT: IN_SCOPE_ONLY, COORD: ALLOW, SUBSIDY: ALLOW}
    return {k: v for k, v in rows.items() if k not in without}


WRITE_SCOPED = {FULL: IN_SCOPE_ONLY, LIMITED: IN_SCOPE_ONLY, COORD: ALLOW}

EXPECTATIONS = {
    # pages
    "hvt:index": only(READERS | {PORTAL}, status(302)),
    "hvt:place_list": only(READERS),
    "hvt:place_create": only(WRITERS, writes="hvt.receptionplace"),
    "hvt:place_export": only(READERS, note="CSV of the scoped, filtered list"),
    "hvt:place_detail": table(_scoped(), obj=place),
    "hvt:place_edit": table(WRITE_SCOPED, obj=place),
    "hvt:place_quality_check": table(WRITE_SCOPED, obj=place, writes="hvt.qualitycheck"),
    "hvt:place_close": table(WRITE_SCOPED, obj=place),
    "hvt:place_confirm": everyone(status(405), obj=place, post=posts([COORD]), writes="hvt.receptionplace",
                                  note="POST only (agency confirmation); tested in tests/hvt"),
    "hvt:allocation_create": table(WRITE_SCOPED, obj=place, writes="hvt.allocation"),
    "hvt:allocation_end": table(WRITE_SCOPED, obj=allocation),
    "hvt:allocation_move": table(WRITE_SCOPED, obj=allocation),
    "hvt:place_choices": only(WRITERS, note="JSON of the place chooser; scoped in tests/hvt/test_place_chooser.py"),
    "hvt:offer_list": only([PORTAL]),
    "hvt:offer_create": only([PORTAL], writes="hvt.placeoffer"),
    "hvt:offer_queue": only(WRITERS),
    "hvt:offer_decide": table(WRITE_SCOPED, obj=offer),
    "hvt:target_list": only(TARGET_READERS),
    "hvt:capacity_evolution": only(READERS),
    # dashboard: whoever reads targets, each in their scope (the selector is scope-tested in tests/hvt)
    "hvt:dashboard": only(TARGET_READERS),
    "hvt:dashboard_export": only(TARGET_READERS, note="CSV by default (?formaat=xlsx for Excel), audited"),
    # the map's GeoJSON (issue 11): features of the user's scope only (scope-tested in tests/hvt/test_overview_map.py)
    "hvt:dashboard_map": only(TARGET_READERS, note="GeoJSON of the municipalities in scope"),
    "hvt:dashboard_evolution_export": only(TARGET_READERS, note="weekly evolution, CSV or XLSX, audited"),
    # data-quality report: every HVT reader in their own scope (scope tested in tests/hvt/test_data_quality.py)
    "hvt:data_quality": only(READERS),
    "hvt:data_quality_export": only(READERS, note="CSV by default (?formaat=xlsx, ?tabel=trend), audited"),
    "hvt:municipality_list": only(roles(VLOT, COORD)),
    "hvt:municipality_detail": table({VLOT: IN_SCOPE_ONLY, COORD: ALLOW}, obj=municipality),
    # API
    # API: reading needs a reader role, any POST a writer role (checked before the object is looked
    # up: 403 to a reader, then 404 outside the scope, 405 where the URL takes no POST).
    "hvt-place-list": only(READERS, post=posts(WRITERS), writes="hvt.receptionplace"),
    "hvt-place-detail": table(_scoped(), obj=place, post=posts(WRITE_SCOPED)),
    "hvt-allocation-list": only(READERS, post=posts(WRITERS), writes="hvt.allocation"),
    "hvt-allocation-detail": table(_scoped(), obj=allocation, post=posts(WRITE_SCOPED)),
    "hvt-allocation-end": only(READERS, status(405), obj=allocation, post=posts(WRITE_SCOPED), writes="hvt.allocation",
                               note="POST only: DRF answers 405 after the role check, before the object lookup"),
    "hvt-place-quality-check": only(READERS, status(405), obj=place, post=posts(WRITE_SCOPED),
                                    writes="hvt.qualitycheck", note="POST only"),
    "hvt-place-close": only(READERS, status(405), obj=place, post=posts(WRITE_SCOPED), writes="hvt.receptionplace",
                            note="POST only"),
    "hvt-allocation-move": only(READERS, status(405), obj=allocation, post=posts(WRITE_SCOPED),
                                writes="hvt.allocation", note="POST only"),
    "hvt-offer-validate": only(WRITERS, status(405), obj=offer, post=posts(WRITE_SCOPED), writes="hvt.placeoffer",
                               note="POST only, officers"),
    "hvt-offer-reject": only(WRITERS, status(405), obj=offer, post=posts(WRITE_SCOPED), writes="hvt.placeoffer",
                             note="POST only, officers"),
    # Offers are made by portal users only; officers read and decide them.
    "hvt-offer-list": only(WRITERS | {PORTAL}, post=posts([PORTAL]), writes="hvt.placeoffer"),
    "hvt-offer-detail": table(WRITE_SCOPED, obj=offer, post=posts([]),
                              note="a portal user sees only their own offers"),
    # Targets are read-only in the API: every POST refused.
    "hvt-target-list": only(TARGET_READERS, post=posts([]), writes="hvt.municipalitytarget"),
    "hvt-target-detail": table(_scoped(without=[LIMITED]), obj=target, post=posts([])),
    # admin upload of the place import (core's stored import, kind "hvt.places"): needs hvt.add_receptionplace;
    # the upload POST is tested in tests/core/test_import_admin.py, the status pages in expectations/core.py
    "admin:hvt_receptionplace_import": only(ADMINS),
}

ADMIN_MODELS = {
    "admin:hvt.receptionplace": AdminRule(view=ADMINS, obj=_admin(place)),
    "admin:hvt.qualitycheck": AdminRule(view=ADMINS, obj=admin_quality_check),
    "admin:hvt.allocation": AdminRule(view=ADMINS, obj=_admin(allocation)),
    "admin:hvt.placeoffer": AdminRule(view=ADMINS, obj=_admin(offer)),
    "admin:hvt.steeringnote": AdminRule(view=ADMINS, obj=admin_steering_note),
    "admin:hvt.capacitysnapshot": AdminRule(view=ADMINS, obj=admin_snapshot),
    # Targets are set by central coordination only (the service checks the role): a superuser views.
    "admin:hvt.targetround": AdminRule(view=ADMINS, add=roles(COORD), obj=admin_target_round),
    "admin:hvt.municipalitytarget": AdminRule(view=ADMINS, change=roles(COORD), obj=_admin(target)),
}
