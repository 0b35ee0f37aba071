"""``Step.visited``: every node a step entered, in order, silent ones (routers, goto) included."""

from bot.engine import LanguageChosen, Navigated, ShowAgain


def test_the_first_step_enters_the_start_node_and_the_first_question(sample):
    sample.start()
    assert sample.steps[-1].visited == (("main", "intro"), ("main", "where"))


def test_routers_goto_and_the_entered_flow_are_listed_in_order(sample):
    sample.start()
    sample.choose("abroad")
    assert sample.steps[-1].visited == (("main", "days"),)
    sample.type("30")
    assert sample.steps[-1].visited == (
        ("main", "route"),
        ("main", "asylum"),
        ("asylum", "explain"),
        ("asylum", "helped"),
    )


def test_a_handoff_node_that_ends_the_conversation_is_entered(sample):
    sample.start()
    sample.choose("russia")
    sample.type("yes")
    assert sample.steps[-1].visited == (("main", "route"), ("main", "urgent"))


def test_a_question_shown_again_is_not_entered_again(sample):
    sample.start()
    sample.send(ShowAgain())
    assert sample.steps[-1].visited == ()
    sample.send(LanguageChosen("ru"))
    assert sample.steps[-1].visited == ()
    sample.nav("human")
    assert sample.steps[-1].visited == ()


def test_back_and_restart_enter_the_nodes_they_go_to(sample):
    sample.start()
    sample.choose("abroad")
    sample.send(Navigated("back"))
    assert sample.steps[-1].visited == (("main", "where"),)
    sample.nav("restart")
    assert sample.steps[-1].visited == (("main", "intro"), ("main", "where"))
