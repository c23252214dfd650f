"""The deployment files agree with the settings: docker-compose.yml and the Dockerfile.

No database and no Docker engine needed: the files are read and parsed.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS_FILES = [ROOT / "config" / "settings" / "base.py", ROOT / "config" / "settings" / "production.py"]

SERVICES = {"web", "worker", "beat", "db", "crt-db", "redis"}
APP_SERVICES = ["web", "worker", "beat"]
ALWAYS_REQUIRED = {"DATABASE_URL", "CRT_DATABASE_URL", "REDIS_URL"}
# What the production settings read without a default today; the parser must find at least these.
KNOWN_WITHOUT_DEFAULT = {"SECRET_KEY", "ALLOWED_HOSTS", "CRT_ENCRYPTION_KEYS", "CRT_BLIND_INDEX_KEY"}

DB_URL = re.compile(
    r"^postgres(?:ql)?://(?P<user>[^:@/]+):(?P<password>.+)@(?P<host>[^:@/]+):(?P<port>\d+)/(?P<name>\w+)$"
)
REQUIRED_INTERPOLATION = re.compile(r"^\$\{(?P<var>\w+):\?[^}]+\}$")


# --- helpers ---------------------------------------------------------------------------------


def _is_env_call(node: ast.Call) -> bool:
    """``env(...)`` or ``env.<anything>(...)``."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "env"
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"


def env_reads(path: Path) -> dict[str, bool]:
    """Environment variables read in a settings file: {name: has_default} (False wins)."""
    reads: dict[str, bool] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not (isinstance(node, ast.Call) and _is_env_call(node) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        # django-environ: a default is the `default=` keyword (positionally it is the second
        # argument of env.bool/int/str..., but the cast of env()/env.list(); we only count the
        # unambiguous keyword, so an unusual call counts as "no default" and must be set).
        has_default = any(kw.arg == "default" for kw in node.keywords)
        reads[first.value] = reads.get(first.value, True) and has_default
    return reads


def required_env_vars() -> set[str]:
    required = set(ALWAYS_REQUIRED)
    for path in SETTINGS_FILES:
        required |= {name for name, has_default in env_reads(path).items() if not has_default}
    return required


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", ...]
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def command_of(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else str(command)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    logical, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current)
        current = ""
    if current:
        logical.append(current)
    result = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# --- tests -----------------------------------------------------------------------------------


def test_the_six_services_exist(services):
    assert SERVICES <= set(services), f"missing: {sorted(SERVICES - set(services))}"


def test_web_worker_and_beat_share_one_image(services):
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert len(builds) == 1 and len(images) == 1, (builds, images)
    assert builds != {"null"} or images != {None}, "no build or image for the application services"


def test_settings_parser_finds_the_known_secrets():
    required = required_env_vars()
    assert KNOWN_WITHOUT_DEFAULT <= required, f"parser missed: {sorted(KNOWN_WITHOUT_DEFAULT - required)}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_setting_without_default_is_set(services, name):
    env = environment_of(services[name])
    missing = sorted(var for var in required_env_vars() if not env.get(var))
    assert not missing, f"{name} lacks {missing}"
    assert env.get("DJANGO_SETTINGS_MODULE") == "config.settings.production"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_secrets_are_required_at_compose_time(services, name):
    """Secrets come from `${VAR:?message}`: compose refuses to start without them."""
    env = environment_of(services[name])
    for var in KNOWN_WITHOUT_DEFAULT:
        assert REQUIRED_INTERPOLATION.match(env[var]), f"{name}.{var} = {env[var]!r}"


def test_the_two_databases_are_separate_with_their_own_credentials(services):
    env = environment_of(services["web"])
    default = DB_URL.match(env["DATABASE_URL"])
    crt = DB_URL.match(env["CRT_DATABASE_URL"])
    assert default and crt, (env["DATABASE_URL"], env["CRT_DATABASE_URL"])

    assert default["host"] != crt["host"]
    assert default["user"] != crt["user"]
    assert default["password"] != crt["password"]
    assert default["name"] == "hvt" and crt["name"] == "hvt_crt"

    for url in (default, crt):
        db_service = services[url["host"]]
        assert db_service["image"].startswith("postgres:15")
        db_env = environment_of(db_service)
        # the application connects with the application role the init script creates
        assert db_env["HVT_APP_ROLE"] == url["user"]
        assert db_env["HVT_APP_PASSWORD"] == url["password"]
        assert db_env["POSTGRES_DB"] == url["name"]

    volumes = [tuple(services[url["host"]].get("volumes") or []) for url in (default, crt)]
    assert all(volumes) and volumes[0] != volumes[1], "each database needs its own volume"


# --- database roles (finding 7): the application is not a superuser and owns nothing -----------------

ROLES_SCRIPT = ROOT / "deploy" / "postgres" / "init-roles.sh"
ROLES_SQL = ROOT / "deploy" / "postgres" / "roles.sql"


def _urls(service: dict) -> dict[str, re.Match]:
    env = environment_of(service)
    return {var: DB_URL.match(env[var]) for var in ("DATABASE_URL", "CRT_DATABASE_URL")}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_web_worker_and_beat_connect_as_the_application_role_not_the_superuser_or_owner(services, name):
    env = environment_of(services[name])
    for var, url in _urls(services[name]).items():
        assert url, (name, var)
        db_env = environment_of(services[url["host"]])
        assert url["user"] == db_env["HVT_APP_ROLE"], (name, var)
        assert url["user"] not in (db_env["POSTGRES_USER"], db_env["HVT_OWNER_ROLE"]), (name, var)
        assert url["password"] == db_env["HVT_APP_PASSWORD"]
    # the owner's and the superuser's credentials are nowhere in their environment
    secrets = " ".join(env.values())
    for var in ("DB_OWNER_PASSWORD", "CRT_DB_OWNER_PASSWORD", "DB_SUPERUSER_PASSWORD", "CRT_DB_SUPERUSER_PASSWORD"):
        assert var not in secrets, (name, var)


def test_the_migrate_job_alone_connects_as_the_owner_role(services):
    migrate = services["migrate"]
    assert "manage.py migrate --database default" in command_of(migrate)
    assert "manage.py migrate --database crt" in command_of(migrate)
    for var, url in _urls(migrate).items():
        assert url, var
        db_env = environment_of(services[url["host"]])
        assert url["user"] == db_env["HVT_OWNER_ROLE"] != db_env["POSTGRES_USER"], var
        assert url["password"] == db_env["HVT_OWNER_PASSWORD"], var
        assert REQUIRED_INTERPOLATION.match(url["password"]), var


@pytest.mark.parametrize("name", ["db", "crt-db"])
def test_each_database_server_creates_the_roles_at_its_first_start(services, name):
    service = services[name]
    env = environment_of(service)
    roles = {env["POSTGRES_USER"], env["HVT_OWNER_ROLE"], env["HVT_APP_ROLE"]}
    assert len(roles) == 3, roles
    passwords = {env["POSTGRES_PASSWORD"], env["HVT_OWNER_PASSWORD"], env["HVT_APP_PASSWORD"]}
    assert len(passwords) == 3 and all(REQUIRED_INTERPOLATION.match(p) for p in passwords), passwords
    mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"] if m.startswith("./")}
    init = [target for target in mounts if target.startswith("/docker-entrypoint-initdb.d/")]
    assert len(init) == 1 and (ROOT / mounts[init[0]]).resolve() == ROLES_SCRIPT
    assert (ROOT / mounts["/hvt-db/roles.sql"]).resolve() == ROLES_SQL
    assert ROLES_SCRIPT.stat().st_mode & 0o111, "the init script must be executable"
    assert "/hvt-db/roles.sql" in ROLES_SCRIPT.read_text(encoding="utf-8")
    # healthy only when the real server listens (the init phase listens on its socket only)
    assert "127.0.0.1" in service["healthcheck"]["test"]


def test_the_roles_script_makes_an_application_role_that_owns_nothing():
    sql = ROLES_SQL.read_text(encoding="utf-8")
    assert "NOSUPERUSER" in sql and "NOCREATEROLE" in sql and "NOCREATEDB" in sql
    assert "OWNER TO %I', current_database(), owner_role" in sql
    to_app = re.findall(r"GRANT ([A-Z, ]+) ON [^']*'[^)]*\bapp_role\)", sql)
    assert len(to_app) >= 5, to_app  # database, schema, tables, sequences, default privileges
    for privileges in to_app:
        assert not {"ALL", "TRUNCATE", "TRIGGER", "CREATE", "REFERENCES"} & set(privileges.replace(",", " ").split())
    assert "REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON %I FROM %I" in sql


def test_redis_url_points_at_the_redis_service(services):
    env = environment_of(services["web"])
    assert env["REDIS_URL"].startswith("redis://redis:")


def test_beat_uses_the_database_scheduler(services):
    args = shlex.split(command_of(services["beat"]))
    assert args[:4] == ["celery", "-A", "config", "beat"], args
    scheduler = "django_celery_beat.schedulers:DatabaseScheduler"
    assert (
        any((flag in ("-S", "--scheduler") and value == scheduler) for flag, value in zip(args, args[1:], strict=False))
        or f"--scheduler={scheduler}" in args
    ), args


def test_worker_runs_celery(services):
    assert shlex.split(command_of(services["worker"]))[:4] == ["celery", "-A", "config", "worker"]


def test_dockerfile_cmd_runs_gunicorn_with_config_wsgi():
    cmds = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "Dockerfile has no CMD"
    last = cmds[-1]  # only the last CMD counts
    argv = json.loads(last) if last.startswith("[") else shlex.split(last)
    assert argv[0] == "gunicorn", argv
    assert "config.wsgi:application" in argv, argv
    assert "0.0.0.0:8000" in " ".join(argv), argv


def test_dockerfile_runs_as_a_non_root_user():
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), users


def test_web_does_not_override_the_image_command(services):
    """The web service runs the Dockerfile CMD (gunicorn), or at least gunicorn with config.wsgi."""
    command = command_of(services["web"])
    assert not command or ("gunicorn" in command and "config.wsgi:application" in command), command
