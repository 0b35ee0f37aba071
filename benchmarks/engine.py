"""Benchmark the flow core: load + validate a generated 2,000-node flow, and one engine step.

Run: ``python benchmarks/engine.py [--nodes 2000] [--steps 20000]``. Prints a table; the
floors (issue: load+validate under 0.5 s, a step under 50 µs median) are checked and the exit
code is 1 if one is missed. A benchmark, not a test: CI runs it with small numbers only.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot.definitions import FlowSet, parse_flow
from bot.definitions.validation import validate
from bot.engine import Chose, ConversationState, Engine, TypedText

LOAD_FLOOR_S = 0.5
STEP_FLOOR_US = 50.0


def generate_flow(nodes: int) -> str:
    """A valid flow of ``nodes`` nodes cycling through choice, message, input and router."""
    lines = [
        "id: big",
        "title: Generated",
        "start: n0",
        "variables:",
        "  side: {type: enum, values: [left, right], sensitivity: situation}",
        "  count: {type: number, sensitivity: situation}",
        "nodes:",
    ]
    last = nodes - 1
    for i in range(last):
        step, skip = f"n{i + 1}", f"n{min(i + 2, last)}"
        match i % 4:
            case 0:
                lines += [
                    f"  - id: n{i}",
                    "    type: choice",
                    f"    text: Question number {i}, which way now?",
                    "    options:",
                    f"      - {{id: left, label: Left {i}, set: {{side: left}}, next: {step}}}",
                    f"      - {{id: right, label: Right {i}, set: {{side: right}}, next: {skip}}}",
                ]
            case 1:
                lines += [
                    f"  - id: n{i}",
                    "    type: message",
                    f"    text: A fact for step {i}.",
                    "    sources: [Generated source]",
                    "    reviewed: 2026-11-01",
                    f"    next: {step}",
                ]
            case 2:
                lines += [
                    f"  - id: n{i}",
                    "    type: input",
                    "    kind: number",
                    "    text: How many?",
                    "    variable: count",
                    "    validation: {min: 0, max: 1000}",
                    f"    next: {step}",
                ]
            case _:
                lines += [
                    f"  - id: n{i}",
                    "    type: router",
                    "    routes:",
                    f"      - when: {{equals: {{side: left}}}}\n        next: {step}",
                    f"    default: {skip}",
                ]
    lines += [f"  - id: n{last}", "    type: end", "    text: Done."]
    return "\n".join(lines) + "\n"


def bench_load(text: str, repeat: int) -> tuple[float, int]:
    """Median seconds to parse + validate ``text``; and the number of issues (must be 0)."""
    timings = []
    issues = []
    for _ in range(repeat):
        started = time.perf_counter()
        loaded = parse_flow(text, "big.yaml")
        issues = validate(FlowSet({"big": loaded}), today=date(2026, 11, 24))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(issues)


def bench_step(text: str, steps: int) -> tuple[float, float, float]:
    """Median and p99 µs of one ``Engine.resume``; and median µs including a JSON round trip."""
    flow = parse_flow(text, "big.yaml").flow
    fixed = datetime(2026, 11, 24, tzinfo=UTC)
    engine = Engine({"big": flow}, clock=lambda: fixed)
    start = engine.start("big", "en").state
    timings: list[float] = []
    with_json: list[float] = []
    state = start
    gc.disable()  # collector pauses are not the engine's cost per step
    try:
        for _ in range(steps):
            answer = Chose(state.turn, "left") if state.node.endswith(("0", "4", "8")) else None
            user_input = answer or TypedText("7")
            began = time.perf_counter()
            step = engine.resume(state, user_input)
            middle = time.perf_counter()
            state = ConversationState.from_json(step.state.to_json())
            ended = time.perf_counter()
            timings.append((middle - began) * 1e6)
            with_json.append((ended - began) * 1e6)
            if state.status == "ended":
                state = start
    finally:
        gc.enable()
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    return statistics.median(timings), p99, statistics.median(with_json)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5, help="load+validate repetitions")
    args = parser.parse_args()

    text = generate_flow(args.nodes)
    load_s, issues = bench_load(text, args.repeat)
    step_us, step_p99, json_us = bench_step(text, args.steps)
    rows = [
        (f"load + validate {args.nodes}-node flow", f"{load_s * 1000:.0f} ms", "< 500 ms"),
        ("engine step (median)", f"{step_us:.1f} µs", "< 50 µs"),
        ("engine step (p99)", f"{step_p99:.1f} µs", ""),
        ("engine step + JSON round trip (median)", f"{json_us:.1f} µs", ""),
    ]
    print(f"# Haven engine benchmark, {date.today()}, Python {platform.python_version()},")
    print(f"# {platform.machine()} {platform.processor() or platform.system()}")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>10}  floor")
    for name, result, floor in rows:
        print(f"{name:<{width}}  {result:>10}  {floor}")
    ok = issues == 0 and load_s < LOAD_FLOOR_S and step_us < STEP_FLOOR_US
    if issues:
        print(f"the generated flow has {issues} validation issues", file=sys.stderr)
    if not ok:
        print("a floor was missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
