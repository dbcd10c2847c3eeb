"""``python -m bench.serializer`` measures every representative value in every set-up."""

from __future__ import annotations

import random

import pytest

from bench import serializer


def test_every_value_is_measured_in_every_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serializer, "TARGET_SECONDS", 0.001)
    rng = random.Random(1)
    set_ups = serializer.set_ups()
    results = {
        name: serializer.measure(build(rng), set_ups, 3, rng) for name, build in serializer.VALUES.items()
    }
    for name, by_set_up in results.items():
        assert list(by_set_up) == ["trackeep", "pickle", "signed"]
        for figures in by_set_up.values():
            assert len(figures["total"]) == 3 and min(figures["total"]) > 0
            assert figures["bytes"] > 0
        # Plain data takes the msgpack path; the response object needs the signed pickle.
        expected = "signed pickle" if name == "cache_page response" else "msgpack"
        assert by_set_up["trackeep"]["format"].endswith(expected), name
        assert by_set_up["pickle"]["format"].endswith(" pickle") or by_set_up["pickle"]["format"] == "pickle"
    lines = serializer.report(results)
    assert len(lines) == 1 + 3 * len(serializer.VALUES)
    for name in serializer.VALUES:
        assert sum(line.startswith(f"{name} ") for line in lines) == 3
