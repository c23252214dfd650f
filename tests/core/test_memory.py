"""core.memory.collector_paused: the cyclic collector waits inside the block and comes back as it was."""

import gc

import pytest

from core.memory import collector_paused


@pytest.fixture
def collector():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_waits_in_the_block_and_resumes_after_it(collector):
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_resumes_after_an_error(collector):
    gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_switched_off_outside_stays_off(collector):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()  # the block never switches on what the caller switched off
