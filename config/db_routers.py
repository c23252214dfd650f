"""Two realms, two databases.

The `crt` app lives only in the `crt` database; every other app lives only in `default`.
Relations across the two are refused, so no HVT row can point at CRT data or back.
"""

CRT_APPS = frozenset({"crt"})


def _db_for_app(app_label: str) -> str:
    return "crt" if app_label in CRT_APPS else "default"


class RealmRouter:
    def db_for_read(self, model, **hints):
        return _db_for_app(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return _db_for_app(model._meta.app_label)

    def allow_relation(self, obj1, obj2, **hints):
        return _db_for_app(obj1._meta.app_label) == _db_for_app(obj2._meta.app_label)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == _db_for_app(app_label)
