"""The console simulator's conversations (``bot.console.simulations``), without a web server.

They run on the repository's flows and catalogs (a copy, where a test edits them), loaded as
the simulator loads them; the store's clock is a fake one.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.console import simulations as simulations_module
from bot.console.simulations import (
    BotNotice,
    BotSaid,
    Note,
    PersonSaid,
    Simulation,
    SimulationError,
    Simulations,
    flow_languages,
    session_key,
)
from bot.engine import NAVIGATION_LABELS, Chose, LanguageChosen, Navigated, TypedText
from bot.i18n.chrome import ADVOCATE_ASKED, CHOOSE_LANGUAGE, STALE_MENU
from bot.library import Project, load_project
from bot.transcripts import parse_transcript, run_transcript

REPO = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def project() -> Project:
    """The repository's flows and catalogs, as the simulator loads them (never changed)."""
    loaded = load_project([REPO / "flows"], REPO / "locales")
    assert not loaded.blocking
    return loaded


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the repository's flows and locales, to edit; returns its flows directory."""
    shutil.copytree(REPO / "flows", tmp_path / "flows")
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    return tmp_path / "flows"


def load(flows: Path) -> Project:
    return load_project([flows], flows.parent / "locales")


def simulation(project: Project, flow: str = "start", language: str = "en") -> Simulation:
    running = Simulation(project, Clock())
    running.start(flow, language)
    return running


def choose(running: Simulation, key: str) -> None:
    assert running.state is not None and running.offer is not None
    assert key in [c.key for c in running.offer.choices], [c.key for c in running.offer.choices]
    running.send(Chose(running.state.turn, key))


def said(running: Simulation) -> list[str]:
    return [e.node for e in running.entries if isinstance(e, BotSaid)]


def text_of(project: Project, language: str, flow: str, node: str, field: str = "text") -> str:
    for node_id, context, text in project.flow_set.engine_flows[flow].texts():
        if node_id == node and text.field == field:
            return project.catalogs.flow_text(language, context, text.text)
    raise KeyError(node)


def replays(yaml_text: str, project: Project) -> bool:
    transcript = parse_transcript(yaml_text.encode(), "simulated.yaml")
    return all(
        run_transcript(
            transcript, language, project.flow_set.engine_flows, project.catalogs,
            directory=project.directory,
        ).passed
        for language in transcript.languages
    )  # fmt: skip


# -- the dialogue ----------------------------------------------------------------------------


def test_a_walk_in_russian_shows_the_bot_and_the_person_as_on_telegram(project: Project) -> None:
    running = simulation(project, "start", "ru")
    assert said(running) == ["welcome", "not_advice", "safety", "menu"]
    welcome = running.entries[0]
    assert isinstance(welcome, BotSaid) and welcome.language == "ru"
    assert welcome.text == text_of(project, "ru", "start", "welcome")
    choose(running, "situation")
    person = [e for e in running.entries if isinstance(e, PersonSaid)]
    assert person == [PersonSaid(text_of(project, "ru", "start", "menu", "option.situation"), "ru")]
    choose(running, "eu")
    assert running.state is not None and running.state.variables == {"location": "eu"}
    assert (running.state.flow, running.state.node) == ("situation", "passport")
    assert running.state.stack and running.state.stack[0].flow == "start"
    choose(running, "yes")  # the yes/no question's quick answer
    assert running.state.node == "days"
    running.send(TypedText("30"))
    assert running.state.variables == {"location": "eu", "has_passport": True, "days_here": 30}
    # A fact: its link button and its footer (sources, review date), in Russian.
    [protection] = [e for e in running.entries if isinstance(e, BotSaid) and e.node == "protection"]
    assert protection.links and protection.links[0].url.startswith("https://")
    assert protection.footer[0].startswith(project.catalogs.ui_text("ru", "Sources:"))
    assert len(protection.footer) == 2
    running.send(Navigated("back", running.state.turn))
    assert running.state.node == "days"
    assert PersonSaid(project.catalogs.ui_text("ru", NAVIGATION_LABELS["back"]), "ru") in list(
        running.entries
    )


def test_an_old_button_is_stale_as_on_telegram(project: Project) -> None:
    running = simulation(project)
    assert running.state is not None
    old_turn = running.state.turn
    choose(running, "situation")
    running.send(Chose(old_turn, "summons"))  # the browser's Back, then an old button
    *_, pressed, notice, where = running.entries
    assert pressed == PersonSaid(text_of(project, "en", "start", "menu", "option.summons"), "en")
    assert notice == BotNotice(STALE_MENU, "en")
    assert isinstance(where, BotSaid) and where.node == "where"
    assert running.state is not None and running.state.node == "where"


def test_a_handoff_is_only_described(project: Project) -> None:
    running = simulation(project, "start", "de")
    choose(running, "situation")
    choose(running, "eu")
    assert running.state is not None
    running.send(Navigated("human", running.state.turn))
    notice, note = list(running.entries)[-2:]
    assert notice == BotNotice(project.catalogs.ui_text("de", ADVOCATE_ASKED), "de")
    assert note == Note("handoff", topic="general", shared=())
    # The question still waits, with its buttons, as on Telegram.
    assert running.offer is not None and running.state.node == "passport"
    choose(running, "no")
    running.send(TypedText("10"))
    choose(running, "now")  # "Yes, connect me": the flow's own handoff
    handoff = [e for e in running.entries if isinstance(e, Note) and e.what == "handoff"][-1]
    assert handoff.topic == "situation"
    assert handoff.shared == (("location", "eu"), ("has_passport", "false"), ("days_here", "10"))
    assert running.state.status == "ended" and running.offer is None
    assert list(running.entries)[-1] == Note("ended", reason="handoff")


def test_the_language_picker_and_a_change_of_language(project: Project) -> None:
    running = simulation(project, "start", "en")
    assert running.state is not None
    running.send(Navigated("language", running.state.turn))
    assert running.picker
    assert list(running.entries)[-1] == BotNotice(CHOOSE_LANGUAGE, "en")
    assert set(running.languages) == {"en", *project.catalogs.languages}
    running.send(LanguageChosen("fr"))
    assert not running.picker
    assert running.state.language == "fr"
    last = list(running.entries)[-1]
    assert isinstance(last, BotSaid) and last.language == "fr"
    assert last.text == text_of(project, "fr", "start", "menu")


def test_an_engine_error_is_a_note_and_changes_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = simulation(project)
    before = running.state

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(running.engine, "resume", broken)
    running.send(Chose(99, "situation"))
    assert running.state is before
    assert list(running.entries)[-1] == Note("error", reason="RuntimeError")


def test_the_dialogue_shown_is_bounded(project: Project) -> None:
    running = Simulation(project, Clock(), history_limit=5)
    running.start("start", "en")
    for _ in range(5):
        assert running.state is not None
        running.send(Navigated("restart", running.state.turn))
    assert len(running.entries) == 5
    assert isinstance(running.entries[-1], BotSaid) and running.entries[-1].node == "menu"


def test_unknown_flows_languages_and_nodes_are_refused(project: Project) -> None:
    running = Simulation(project, Clock())
    with pytest.raises(SimulationError):
        running.jump("start", "menu")  # nothing started yet
    with pytest.raises(SimulationError):
        running.start("nowhere", "en")
    with pytest.raises(SimulationError):
        running.start("start", "xx")
    running.start("start", "en")
    with pytest.raises(SimulationError):
        running.jump("start", "nowhere")
    assert flow_languages(project, "start")[0] == "en"


# -- jumps and the recording -----------------------------------------------------------------


def test_the_recording_replays_green_and_is_what_flows_chat_records(project: Project) -> None:
    running = simulation(project, "start", "ru")
    choose(running, "situation")
    choose(running, "eu")
    choose(running, "yes")
    assert running.state is not None
    running.send(TypedText("thirty"))  # rejected: a number is asked for
    running.send(TypedText("30"))
    running.send(Navigated("back", running.state.turn))
    saved = running.transcript()
    assert saved is not None
    text, name = saved
    assert name == "start_ru.yaml"
    assert text.startswith("# Recorded in the console's simulator: flow start, language ru\n")
    transcript = parse_transcript(text.encode(), name)
    assert transcript.flow == "start" and transcript.languages == ("ru",)
    assert len(transcript.steps) == 7
    assert transcript.steps[4].expect.rejected == "invalid"
    assert replays(text, project)
    # Not vacuous: an expectation changed fails.
    changed = text.replace("offers: situation/days", "offers: situation/passport", 1)
    assert changed != text and not replays(changed, project)


def test_a_jump_ends_the_recording_until_restart(project: Project) -> None:
    running = simulation(project, "start", "en")
    choose(running, "situation")
    running.jump("situation", "protection")
    assert running.state is not None
    assert said(running)[-2:] == ["protection", "offer"]
    assert list(running.entries)[-3] == Note("jumped", flow="situation", node="protection")
    assert running.state.variables == {}
    assert not running.recording and running.unrecorded == "jumped"
    assert running.transcript() is None
    choose(running, "later")  # still no recording
    assert running.transcript() is None
    running.send(Navigated("restart", running.state.turn))
    assert running.recording
    choose(running, "summons")
    saved = running.transcript()
    assert saved is not None
    transcript = parse_transcript(saved[0].encode(), saved[1])
    assert [step.action is None for step in transcript.steps] == [True, False]
    assert replays(saved[0], project)


def test_a_recording_that_would_fail_is_not_offered(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = simulation(project)
    choose(running, "situation")
    assert running.replay_problem() is None
    # The replay is checked, not assumed: break it and nothing is offered.
    monkeypatch.setattr(
        simulations_module, "run_transcript", lambda *a, **k: _Failed("step 2: differs")
    )
    choose(running, "eu")
    assert running.replay_problem() == "step 2: differs"
    assert running.transcript() is None


class _Failed:
    passed = False

    def __init__(self, message: str) -> None:
        self.failures = (message,)


def test_a_too_long_recording_ends(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(simulations_module, "RECORDING_LIMIT", 3)
    running = simulation(project)
    choose(running, "situation")
    assert running.recording
    choose(running, "eu")
    assert not running.recording and running.unrecorded == "too_long"


# -- reloads ---------------------------------------------------------------------------------


def test_a_reload_with_errors_keeps_the_last_good_flows(copy: Path) -> None:
    running = Simulation(load(copy), Clock())
    running.start("start", "en")
    good = running.project
    path = copy / "start.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("next: not_advice", "next: nowhere"), encoding="utf-8")

    broken = load(copy)
    assert broken.blocking
    running.reload(broken)
    assert running.kept_last_good
    assert running.project is good
    [issue] = [i for i in running.issues if i.code == "E101"]
    assert Path(issue.path).name == "start.yaml" and issue.line > 0
    choose(running, "situation")  # still running the good flows
    assert running.state is not None and running.state.flow == "situation"

    edited = original.replace("What would you like to do?", "What now?")
    path.write_text(edited, encoding="utf-8")
    fixed = load(copy)
    assert not fixed.blocking
    running.reload(fixed)
    assert not running.kept_last_good and running.project is fixed
    running.send(Navigated("restart", running.state.turn))
    menu = list(running.entries)[-1]
    assert isinstance(menu, BotSaid) and menu.text == "What now?"


def test_a_reload_shows_the_current_step_as_the_new_flows_say_it(copy: Path) -> None:
    running = Simulation(load(copy), Clock())
    running.start("start", "en")
    path = copy / "start.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("What would you like to do?", "What now?"),
        encoding="utf-8",
    )
    running.reload(load(copy))
    *_, note, menu = running.entries
    assert note == Note("reloaded")
    assert isinstance(menu, BotSaid) and menu.text == "What now?"
    # Shown again, not answered: the recording goes on, and replays on the new flows.
    assert running.recording
    saved = running.transcript()
    assert saved is not None and replays(saved[0], running.project)


def test_a_reload_that_loses_the_dialogue_ends_the_recording(copy: Path) -> None:
    running = Simulation(load(copy), Clock())
    running.start("start", "en")
    choose(running, "situation")  # now at situation/where
    path = copy / "situation.yaml"
    text = path.read_text(encoding="utf-8")
    # Rename the question the dialogue waits at.
    path.write_text(
        text.replace("start: intro", "start: intro").replace("next: where", "next: place")
        .replace("  - id: where\n", "  - id: place\n"),
        encoding="utf-8",
    )  # fmt: skip
    reloaded = load(copy)
    assert not reloaded.blocking, [str(i) for i in reloaded.blocking]
    running.reload(reloaded)
    assert running.state is not None and running.state.node == "menu"  # started again
    assert not running.recording and running.unrecorded == "reloaded"


# -- the store -------------------------------------------------------------------------------


def test_simulations_are_kept_by_the_hash_of_the_session_token(project: Project) -> None:
    store = Simulations(Clock())
    token = "the-session-token"
    running = store.load(token, project, project)
    assert session_key(token) == hashlib.sha256(token.encode()).hexdigest()
    assert list(store._held) == [session_key(token)]
    assert token not in repr(store._held)
    assert store.get(token) is running
    assert store.get("another-token") is None
    store.drop(token)
    assert store.get(token) is None


def test_the_store_is_bounded_least_recently_used_first(project: Project) -> None:
    store = Simulations(Clock(), capacity=3)
    for token in ("a", "b", "c"):
        store.load(token, project, project)
    assert store.get("a") is not None  # "a" is now the most recently used
    store.load("d", project, project)
    assert len(store) == 3
    assert store.get("b") is None
    assert all(store.get(token) is not None for token in ("a", "c", "d"))


def test_idle_simulations_are_dropped(project: Project) -> None:
    clock = Clock()
    store = Simulations(clock, idle_timeout=timedelta(hours=2))
    store.load("old", project, project)
    clock.now += timedelta(hours=1)
    store.load("newer", project, project)
    clock.now += timedelta(hours=1, minutes=1)
    assert store.get("old") is None
    assert store.get("newer") is not None
    assert len(store) == 1
    clock.now += timedelta(hours=2, seconds=1)
    assert store.get("newer") is None and len(store) == 0


def test_a_new_simulation_on_broken_files_runs_the_bots_flows(copy: Path, project: Project) -> None:
    path = copy / "start.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("next: menu", "next: nowhere"), encoding="utf-8"
    )
    broken = load(copy)
    store = Simulations(Clock())
    running = store.load("token", broken, project)
    assert running.project is project and running.kept_last_good
    assert any(i.code == "E101" for i in running.issues)
    running.start("start", "en")
    assert said(running)[-1] == "menu"
    # Loading again (Reload, or Start) goes through the same simulation.
    assert store.load("token", load(copy), project) is running
    assert running.kept_last_good and running.state is not None
