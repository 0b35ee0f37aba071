"""Property: whatever a user sends, in any order, the engine keeps a sound, storable state."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import (
    NAVIGATION,
    ChoicesOffered,
    Chose,
    ConversationState,
    Engine,
    InputRequested,
    LanguageChosen,
    Navigated,
    Question,
    TypedText,
)

HISTORY_LIMIT = 8
LANGUAGES = ["en", "ru", "de"]
KEYS = ["russia", "abroad", "learn", "city", "advocate", "done", "yes", "no", "", "ok", "x" * 64]
TYPED = [
    "1", "2", "3", "4", "5", "0", "In Russia", "outside russia", "yes", "No.", "[ru] yes",
    "30", "1,5", "-1", "4000", "Berlin", "Berlin 2", "", "   ", "x" * 50, "Back", "/start",
]  # fmt: skip


def user_inputs(turn: int) -> st.SearchStrategy:
    return st.one_of(
        st.builds(
            Chose,
            st.one_of(st.just(turn), st.integers(min_value=-2, max_value=turn + 2)),
            st.one_of(st.sampled_from(KEYS), st.text(max_size=70)),
        ),
        st.builds(
            TypedText,
            st.one_of(st.sampled_from(TYPED), st.text(max_size=60)),
        ),
        st.builds(Navigated, st.sampled_from(NAVIGATION)),
        st.builds(LanguageChosen, st.sampled_from(LANGUAGES)),
    )


def check_sound(engine: Engine, state: ConversationState) -> None:
    assert ConversationState.from_json(state.to_json()).to_dict() == state.to_dict()
    assert len(state.history) <= HISTORY_LIMIT
    if state.status == "ended":
        return
    assert state.status == "active"
    assert isinstance(engine.flows[state.flow].nodes[state.node], Question)
    assert state.version == engine.flows[state.flow].version
    assert state.history
    assert (state.history[-1].flow, state.history[-1].node) == (state.flow, state.node)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_random_inputs_never_break_a_conversation(build, data):
    engine = Engine(
        build.sample(),
        translator=build.Translator(),
        clock=build.Clock(),
        history_limit=HISTORY_LIMIT,
    )
    step = engine.start("main", data.draw(st.sampled_from(LANGUAGES), label="language"))
    assert step.events
    check_sound(engine, step.state)
    state = step.state
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="steps")):
        user_input = data.draw(user_inputs(state.turn), label="input")
        before = state.to_dict()
        step = engine.resume(state, user_input)
        assert state.to_dict() == before
        assert step.events, f"{user_input!r} produced no events"
        check_sound(engine, step.state)
        offers = [e for e in step.events if isinstance(e, ChoicesOffered | InputRequested)]
        if offers and step.state.status == "active":
            assert offers[-1].turn == step.state.turn
            assert (offers[-1].flow, offers[-1].node) == (step.state.flow, step.state.node)
        # Carry on from what storage would hand back.
        state = ConversationState.from_json(step.state.to_json())
