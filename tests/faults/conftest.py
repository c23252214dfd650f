"""Fault-test fixtures: a throwaway Redis on its own port (never the machine's Redis)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

THROWAWAY_PORT = 6390  # preferred; another free port when a parallel test run already uses it


def _free_port() -> int:
    import socket

    for port in [THROWAWAY_PORT, 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


class ThrowawayRedis:
    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.workdir = workdir
        self.pidfile = workdir / f"redis-{port}.pid"

    def ping(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)).ping())
        except Exception:
            return False

    def start(self):
        if self.ping():
            raise RuntimeError(f"something already listens on port {self.port}; refusing to use it")
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--pidfile", str(self.pidfile), "--dir", str(self.workdir)],
            check=True, capture_output=True,
        )
        for _ in range(50):
            if self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError("throwaway redis did not start")

    def stop(self):
        """Stop this instance only (by its own port), and wait until it is gone."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, check=False)
        for _ in range(50):
            if not self.ping():
                return
            time.sleep(0.1)
        raise RuntimeError("throwaway redis did not stop")

    def llen(self, key: str) -> int:
        import redis

        return redis.Redis(port=self.port).llen(key)


@pytest.fixture
def throwaway_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (the fault tests need it)")
    server = ThrowawayRedis(_free_port(), tmp_path)
    server.start()
    yield server
    if server.ping():
        server.stop()


@pytest.fixture
def redis_settings(settings, throwaway_redis):
    """Point the cache and /health/ at the throwaway Redis (pytest-django's settings fixture undoes it)."""
    settings.REDIS_URL = throwaway_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": throwaway_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return throwaway_redis


@pytest.fixture
def celery_broker(throwaway_redis):
    """The Celery app sends to the throwaway Redis for real (not eagerly) during the test."""
    from config.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}

    def reset_pools():  # drop (not close: kombu shares them) the pools bound to the old broker URL
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = throwaway_redis.url
    app.conf.task_always_eager = False
    reset_pools()
    yield app
    app.conf.update(saved)
    reset_pools()
