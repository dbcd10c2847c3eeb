"""System checks: the session alias never swallows errors; production never uses in-memory Channels."""

from __future__ import annotations

import copy

from django.core.checks import run_checks

from core.checks import check_channel_layer, check_session_cache

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def ids(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [m.id for m in messages]


def test_default_configuration_passes() -> None:
    assert not {"trackeep.E001", "trackeep.E002", "trackeep.W001"} & set(ids(run_checks()))


def test_e001_when_the_session_alias_ignores_exceptions(settings) -> None:  # type: ignore[no-untyped-def]
    caches = copy.deepcopy(settings.CACHES)
    caches[settings.SESSION_CACHE_ALIAS]["OPTIONS"]["IGNORE_EXCEPTIONS"] = True
    settings.CACHES = caches
    assert ids(check_session_cache(None)) == ["trackeep.E001"]
    assert "trackeep.E001" in ids(run_checks())


def test_w001_for_the_in_memory_layer_in_production_only(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CHANNEL_LAYERS = IN_MEMORY
    settings.PRODUCTION = False
    assert check_channel_layer(None) == []
    settings.PRODUCTION = True
    assert ids(check_channel_layer(None)) == ["trackeep.W001"]
