"""The sliding window that paces calls into the staff group."""

from __future__ import annotations

import random

import pytest

from bot.tg.rate_window import SlidingWindow


class FakeClock:
    """Monotonic seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_up_to_the_limit_goes_at_once() -> None:
    clock = FakeClock()
    window = SlidingWindow(3, 60.0, clock=clock)
    for _ in range(3):
        assert window.wait_time() == 0.0
        window.record()
    assert window.wait_time() == 60.0


def test_next_event_waits_for_the_oldest_to_leave() -> None:
    clock = FakeClock()
    window = SlidingWindow(2, 10.0, clock=clock)
    window.record()  # 1000
    clock.now += 4
    window.record()  # 1004
    clock.now += 1
    assert window.wait_time() == pytest.approx(5.0)  # until 1010
    clock.now = 1010.0
    assert window.wait_time() == 0.0
    window.record()  # 1010: the oldest is now 1004
    assert window.wait_time() == pytest.approx(4.0)


def test_exactly_one_period_later_is_allowed() -> None:
    clock = FakeClock()
    window = SlidingWindow(1, 1.5, clock=clock)
    window.record()
    clock.now += 1.5
    assert window.wait_time() == 0.0


def test_a_burst_is_not_refilled_like_a_token_bucket() -> None:
    # A token bucket of 20/min would let a 21st call through after 3 s; the window must not.
    clock = FakeClock()
    window = SlidingWindow(20, 60.0, clock=clock)
    for _ in range(20):
        window.record()
    clock.now += 3
    assert window.wait_time() == pytest.approx(57.0)


def test_never_more_than_limit_in_any_window_and_no_longer_waits() -> None:
    rng = random.Random(20)
    clock = FakeClock()
    limit, period = 5, 2.0
    window = SlidingWindow(limit, period, clock=clock)
    times: list[float] = []
    for _ in range(300):
        # Callers that arrive at random and always wait as long as they are told.
        clock.now += rng.choice([0.0, 0.01, 0.3, 1.0])
        arrived = clock.now
        clock.now += window.wait_time()
        assert window.wait_time() == 0.0
        window.record()
        if clock.now > arrived:
            # Held back only as long as the window demands, not a moment more.
            assert clock.now == pytest.approx(times[-limit] + period)
        times.append(clock.now)
    for first, later in zip(times, times[limit:], strict=False):
        assert later - first >= period


def test_waiting_without_recording_changes_nothing() -> None:
    clock = FakeClock()
    window = SlidingWindow(1, 5.0, clock=clock)
    window.record()
    assert window.wait_time() == window.wait_time() == 5.0
    assert (window.limit, window.period) == (1, 5.0)


@pytest.mark.parametrize(
    ("limit", "period"),
    [(0, 1.0), (-1, 1.0), (True, 1.0), (1, 0.0), (1, -1.0), (1, float("inf")), (1, float("nan"))],
)
def test_refuses_a_window_that_cannot_work(limit: int, period: float) -> None:
    with pytest.raises(ValueError, match="sliding window"):
        SlidingWindow(limit, period)
