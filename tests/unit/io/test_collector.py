"""The cycle collector is paused for a bulk load and left as it was however the load ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from commons.io.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_inside_and_back_on_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_load_that_raises_still_switches_it_back_on() -> None:
    with pytest.raises(ValueError, match="refused"), collector_paused():
        raise ValueError("refused")
    assert gc.isenabled()


def test_a_nested_pause_leaves_it_to_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_host_switched_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
