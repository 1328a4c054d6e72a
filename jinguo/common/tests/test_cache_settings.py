"""JINGUO_CACHE_URL: the shared cache (rate limits, throttles) in Redis when set; else on the
broker's Redis (JINGUO_BROKER_URL) one database up; in the database table otherwise. A URL of
another kind stops the start with a message naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_url, redis_next_db

ROOT = Path(__file__).resolve().parents[3]
SHOW = (
    "from django.conf import settings; c = settings.CACHES['shared']; "
    "print(c['BACKEND'], c['LOCATION'])"
)


def _shared_cache(
    cache_url: str | None, broker_url: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("JINGUO_CACHE_URL", "JINGUO_BROKER_URL")
    }
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="config.settings", JINGUO_DEBUG="true")
    if cache_url is not None:
        env["JINGUO_CACHE_URL"] = cache_url
    if broker_url is not None:
        env["JINGUO_BROKER_URL"] = broker_url
    command = [sys.executable, "-c", f"import django; django.setup(); {SHOW}"]
    return subprocess.run(  # noqa: S603 (our own interpreter)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_without_a_cache_url_the_shared_cache_is_the_database_table():
    done = _shared_cache(None)
    assert done.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "jinguo_shared_cache",
    ], done.stderr


def test_a_redis_cache_url_puts_the_shared_cache_in_redis():
    done = _shared_cache("redis://127.0.0.1:6379/1")
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
    ], done.stderr


def test_with_a_broker_and_no_cache_url_the_shared_cache_is_the_brokers_redis_one_db_up():
    done = _shared_cache(None, broker_url="redis://127.0.0.1:6379/5")
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/6",
    ], done.stderr


def test_a_cache_url_wins_over_the_broker():
    done = _shared_cache("redis://10.0.0.2:6379/3", broker_url="redis://127.0.0.1:6379/0")
    assert done.stdout.split()[1] == "redis://10.0.0.2:6379/3", done.stderr


@pytest.mark.parametrize(
    ("broker", "cache"),
    [
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),
        ("redis://:secret@redis.internal:6380/0", "redis://:secret@redis.internal:6380/1"),
        ("rediss://redis.internal/7", "rediss://redis.internal/8"),
        ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14"),
        ("unix:///run/redis/redis.sock?db=2", "unix:///run/redis/redis.sock?db=3"),
        ("unix:///run/redis/redis.sock", "unix:///run/redis/redis.sock?db=1"),
    ],
)
def test_the_cache_beside_the_broker_is_another_database_of_the_same_server(broker, cache):
    assert redis_next_db(broker) == cache


def test_a_cache_url_of_another_kind_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("JINGUO_CACHE_URL", "memcached://127.0.0.1:11211")
    with pytest.raises(ImproperlyConfigured, match="JINGUO_CACHE_URL must start with"):
        env_url("JINGUO_CACHE_URL", ("redis", "rediss", "unix"))


def test_an_empty_cache_url_is_no_cache_url(monkeypatch):
    monkeypatch.setenv("JINGUO_CACHE_URL", " ")
    assert env_url("JINGUO_CACHE_URL", ("redis",)) is None
