"""Graph checks: targets, reachability, ways out, loops, and gotos between flows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.engine import Flow, Question
from bot.engine.nodes import Choice, Goto

from ..builder import ID_PATTERN
from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_flow_graph", "check_gotos", "strongly_connected"]

Graph = Mapping[str, list[str]]


def check_flow_graph(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """Unknown targets, duplicate options, unreachable nodes, dead ends and endless loops."""
    flow = loaded.flow
    if flow.start not in flow.nodes and flow.start not in loaded.broken_nodes:
        yield ctx.issue(loaded, "E101", f"start node {flow.start!r} does not exist", None, "start")
    graph: dict[str, list[str]] = {}
    # Nodes leading to a missing or broken node: already reported, so they count as finishing.
    unknown: set[str] = set()
    for node in flow.nodes.values():
        graph[node.id] = []
        for field, target in node.targets():
            if target in flow.nodes:
                graph[node.id].append(target)
            elif target in loaded.broken_nodes:
                unknown.add(node.id)  # its own problem is reported; don't pile on
            else:
                unknown.add(node.id)
                yield ctx.issue(loaded, "E101", f"unknown target node {target!r}", node.id, field)
        if isinstance(node, Choice):
            yield from _option_ids(loaded, ctx, node)

    reachable = _reachable(graph, flow.start) if flow.start in flow.nodes else set(flow.nodes)
    if unknown & reachable and loaded.broken_nodes:
        reachable = set(flow.nodes)  # a broken node may have led anywhere
    for node_id in flow.nodes:
        if node_id not in reachable:
            yield ctx.issue(loaded, "E104", f"unreachable node {node_id!r}", node_id)
    yield from _ways_out(loaded, ctx, graph, unknown)
    yield from _silent_loops(loaded, ctx, graph)


def _option_ids(loaded: LoadedFlow, ctx: ValidationContext, node: Choice) -> Iterator[Issue]:
    seen: set[str] = set()
    for index, option in enumerate(node.options):
        field = f"options.{index}.id"
        if not ID_PATTERN.fullmatch(option.id):
            message = f"invalid option id {option.id!r}: lowercase letters, digits and _"
            yield ctx.issue(loaded, "E014", message, node.id, field)
        if option.id in seen:
            yield ctx.issue(loaded, "E103", f"duplicate option id {option.id!r}", node.id, field)
        seen.add(option.id)


def _reachable(graph: Graph, start: str) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for target in graph[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _ways_out(
    loaded: LoadedFlow, ctx: ValidationContext, graph: Graph, unknown: set[str]
) -> Iterator[Issue]:
    """E106 for each cycle no one can leave, E105 for the other nodes that cannot finish."""
    flow = loaded.flow
    reverse: dict[str, list[str]] = {node: [] for node in graph}
    for source, targets in graph.items():
        for target in targets:
            reverse[target].append(source)
    finishing = {node.id for node in flow.nodes.values() if node.terminal} | unknown
    can_finish = set(finishing)
    stack = list(finishing)
    while stack:
        for source in reverse[stack.pop()]:
            if source not in can_finish:
                can_finish.add(source)
                stack.append(source)
    stuck = [node for node in graph if node not in can_finish]
    in_trap: set[str] = set()
    for component in strongly_connected({n: [t for t in graph[n] if t in stuck] for n in stuck}):
        if _is_cycle(component, graph):
            in_trap.update(component)
            path = " → ".join([*component, component[0]])
            yield ctx.issue(loaded, "E106", f"cycle with no way out: {path}", component[0])
    for node_id in stuck:
        if node_id not in in_trap:
            message = f"no end or handoff can be reached from {node_id!r}"
            yield ctx.issue(loaded, "E105", message, node_id)


def _silent_loops(loaded: LoadedFlow, ctx: ValidationContext, graph: Graph) -> Iterator[Issue]:
    """Cycles through routers and messages only: the engine would go round them forever."""
    flow = loaded.flow
    silent = {
        node_id
        for node_id, node in flow.nodes.items()
        if not isinstance(node, Question | Goto)  # a goto's flow may ask something
    }
    sub = {n: [t for t in graph[n] if t in silent] for n in graph if n in silent}
    for component in strongly_connected(sub):
        if _is_cycle(component, sub):
            path = " → ".join([*component, component[0]])
            message = f"cycle that never asks a question: {path}"
            yield ctx.issue(loaded, "E107", message, component[0])


def _is_cycle(component: list[str], graph: Graph) -> bool:
    return len(component) > 1 or component[0] in graph[component[0]]


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm, iterative (flows can be deep). Components in discovery order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component[::-1])
    return components


def check_gotos(ctx: ValidationContext) -> Iterator[Issue]:
    """Gotos to missing flows, and goto cycles that would grow the flow stack without end."""
    flows = ctx.flow_set.flows
    pushing: dict[str, list[str]] = {flow_id: [] for flow_id in flows}
    for loaded in flows.values():
        for node in loaded.flow.nodes.values():
            if not isinstance(node, Goto):
                continue
            if node.flow not in flows:
                message = f"goto to a missing flow {node.flow!r}"
                yield ctx.issue(loaded, "E110", message, node.id, "flow")
            elif node.next is not None:
                pushing[loaded.flow.id].append(node.flow)
    tails = {
        flow_id: [
            n.flow
            for n in loaded.flow.nodes.values()
            if isinstance(n, Goto) and n.next is None and n.flow in flows
        ]
        for flow_id, loaded in flows.items()
    }
    combined = {f: pushing[f] + tails[f] for f in flows}
    for component in strongly_connected(combined):
        members = set(component)
        grows = any(t in members for f in component for t in pushing[f])
        if grows and _is_cycle(component, combined):
            first = flows[component[0]]
            path = " → ".join([*component, component[0]])
            message = f"goto cycle between flows: {path}"
            goto = _goto_into(first.flow, members)
            yield ctx.issue(first, "E111", message, goto, "flow")


def _goto_into(flow: Flow, targets: set[str]) -> str | None:
    return next(
        (n.id for n in flow.nodes.values() if isinstance(n, Goto) and n.flow in targets), None
    )
