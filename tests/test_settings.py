"""A verify run's settings from the configuration and the environment (`session.settings_from`):
the command line's choices become a run's in one place."""

from __future__ import annotations

import datetime as dt

from citecheck.config import Config
from citecheck.session import settings_from


def test_settings_follow_the_configuration_and_the_environment() -> None:
    config = Config(timeout=7.5, retries=0, max_per_host=2, cache_max_age=6)
    settings = settings_from(config, {"IA_ACCESS_KEY": "k", "IA_SECRET_KEY": "s", "CI": "true"})
    assert (settings.net.timeout, settings.net.max_per_host, settings.check.retries) == (7.5, 2, 0)
    assert settings.archive is not None
    assert (settings.archive.access_key, settings.archive.secret_key) == ("k", "s")
    assert settings.archive.base_url == config.wayback_url
    assert settings.cache_max_age == dt.timedelta(hours=6)
    assert settings.use_cache and not settings.save
    assert settings.probe_url == config.wayback_url  # no probe configured: the archive is asked


def test_the_switches_turn_the_archive_saving_and_the_cache_off() -> None:
    settings = settings_from(Config(), {}, archive=False, save=True, cache=False)
    assert settings.archive is None and not settings.save  # nothing to save to without the archive
    assert not settings.use_cache
    assert settings_from(Config(), {}).archive is not None
    assert settings_from(Config(), {}, save=True).save
    assert settings_from(Config(), {"IA_ACCESS_KEY": ""}).archive.access_key is None  # type: ignore[union-attr]
