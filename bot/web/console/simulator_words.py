"""The simulator's words, by the key its templates use (see :mod:`.words`).

These are the console's own words, in the page's language. What the simulated bot says (its
messages, buttons and chrome) is the bot's, in the language of the simulated dialogue.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.translation import N_

__all__ = ["SIMULATOR_WORDS"]

SIMULATOR_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the link to the simulator, and its heading: a page where maintainers try a
    # dialogue flow as a person on Telegram would.
    "simulator": N_("Simulator"),
    # TRANSLATORS: under the simulator's heading. "Step" is a node of a dialogue flow.
    "sim_text": N_(
        "Try a dialogue flow as a person on Telegram would. The simulator runs its own copy of "
        "the flow files, so nothing you try here changes what people get, and nothing is "
        "stored: no case is opened and no advocate is asked."
    ),
    # TRANSLATORS: the heading of the form that starts a simulated dialogue.
    "sim_start_heading": N_("Start a dialogue"),
    # TRANSLATORS: the heading of the form that starts another simulated dialogue.
    "sim_restart_heading": N_("Start another dialogue"),
    # TRANSLATORS: the label of the choice of a dialogue flow to simulate.
    "sim_flow": N_("Flow"),
    # TRANSLATORS: the label of the choice of the language the simulated dialogue speaks.
    "sim_language": N_("Language of the dialogue"),
    # TRANSLATORS: the button that starts a simulated dialogue.
    "sim_start": N_("Start"),
    # TRANSLATORS: the heading of the simulated dialogue; {flow} is the flow's title and
    # {language} the name of the dialogue's language.
    "sim_dialogue": N_("{flow} in {language}"),
    # TRANSLATORS: for screen readers, before a message of the simulated bot.
    "sim_from_bot": N_("Bot:"),
    # TRANSLATORS: for screen readers, before what the simulated person did.
    "sim_from_person": N_("Person:"),
    # TRANSLATORS: the accessible name of the simulated message's link buttons.
    "sim_links": N_("Links"),
    # TRANSLATORS: the accessible name of the answer buttons of the simulated question.
    "sim_answers": N_("Answers"),
    # TRANSLATORS: the accessible name of the simulated bot's navigation buttons (Back...).
    "sim_navigation": N_("Navigation"),
    # TRANSLATORS: the accessible name of the simulated language picker's buttons.
    "sim_languages": N_("Languages"),
    # TRANSLATORS: the label of the field where one types the simulated person's answer.
    "sim_answer": N_("Answer in words"),
    # TRANSLATORS: the button that sends the typed answer.
    "sim_send": N_("Send"),
    # TRANSLATORS: a note in the simulated dialogue after a request for an advocate; {topic}
    # is a machine word, {shared} a list such as "location=eu, has_passport=true".
    "sim_note_handoff": N_("(an advocate would be asked: topic {topic}; shared: {shared})"),
    # TRANSLATORS: in the note after a request for an advocate, when no answer is shared.
    "sim_note_nothing": N_("nothing"),
    # TRANSLATORS: a note in the simulated dialogue when it has ended.
    "sim_note_completed": N_("(the dialogue has ended)"),
    # TRANSLATORS: a note in the simulated dialogue when it ended by asking for an advocate.
    "sim_note_handed_off": N_("(the dialogue has ended with the request for an advocate)"),
    # TRANSLATORS: a note in the simulated dialogue; {node} is a step's name.
    "sim_note_jumped": N_("(jumped to {node})"),
    # TRANSLATORS: a note in the simulated dialogue after the flow files were read again.
    "sim_note_reloaded": N_("(the flows were reloaded: the dialogue goes on over them)"),
    # TRANSLATORS: a note in the simulated dialogue; {error} is a technical name.
    "sim_note_error": N_("(the engine failed on this input with {error}; nothing changed)"),
    # TRANSLATORS: the heading of the panel that shows the state of the simulated dialogue.
    "sim_state": N_("Where the dialogue is"),
    # TRANSLATORS: in the panel, the step (node) the dialogue waits at.
    "sim_node": N_("Step"),
    # TRANSLATORS: in the panel, instead of a step: the simulated dialogue is over.
    "sim_ended": N_("The dialogue has ended."),
    # TRANSLATORS: in the panel: the answers remembered so far (name = value).
    "sim_variables": N_("Variables"),
    # TRANSLATORS: in the panel, when no variable is set yet.
    "sim_none": N_("none"),
    # TRANSLATORS: in the panel: where the dialogue returns when the flow it is in ends.
    "sim_stack": N_("Returns to"),
    # TRANSLATORS: the heading of the form that moves the simulated dialogue to any step.
    "sim_jump_heading": N_("Jump to a step"),
    # TRANSLATORS: the label of the choice of a step to jump to.
    "sim_jump_node": N_("Step"),
    # TRANSLATORS: the button that moves the simulated dialogue to the chosen step.
    "sim_jump": N_("Jump"),
    # TRANSLATORS: the heading of the part about saving the dialogue as an automatic test.
    "sim_transcript_heading": N_("Save as a transcript test"),
    # TRANSLATORS: before the download link; tests/transcripts/ is a folder name: keep it.
    "sim_transcript_text": N_(
        "The dialogue since its start, as a test for tests/transcripts/. It was replayed on "
        "these flows and passes."
    ),
    # TRANSLATORS: the link that downloads the transcript test; {file} is its file name.
    "sim_transcript_download": N_("Download {file}"),
    # TRANSLATORS: why there is no transcript to save, after a jump.
    "sim_unrecorded_jumped": N_(
        "After a jump the dialogue cannot be replayed from the start of its flow, so there is "
        "no test to save. Restart to record a new one."
    ),
    # TRANSLATORS: why there is no transcript to save, after a long dialogue.
    "sim_unrecorded_too_long": N_(
        "This dialogue is too long for a test. Restart to record a new one."
    ),
    # TRANSLATORS: why there is no transcript to save, after the flows changed under it.
    "sim_unrecorded_reloaded": N_(
        "The flows changed under this dialogue, so it cannot be replayed from the start. "
        "Restart to record a new one."
    ),
    # TRANSLATORS: why there is no transcript to save; the test runner's message follows.
    "sim_replay_failed": N_(
        "This dialogue would not pass as a test on these flows, so there is none to save. "
        "Restart to record a new one. The test runner says:"
    ),
    # TRANSLATORS: the page shown when a transcript is asked for and there is none to save.
    "sim_transcript_missing": N_(
        "There is no transcript to save now. Open the simulator to see why."
    ),
    # TRANSLATORS: the heading of the part about reading the flow files again.
    "sim_reload_heading": N_("Flow files"),
    # TRANSLATORS: explains the Reload button.
    "sim_reload_text": N_(
        "After editing the flow files or their translations, reload them: the dialogue goes on "
        "over the new flows, and the checks' findings show below."
    ),
    # TRANSLATORS: the button that reads the flow files again.
    "sim_reload": N_("Reload flows"),
    # TRANSLATORS: the heading of the list of problems the checks found in the flow files.
    "sim_issues": N_("Problems found by the checks"),
    # TRANSLATORS: when the checks found no problem in the flow files.
    "sim_no_issues": N_("The checks found no problem."),
    # TRANSLATORS: a problem's severity: it stops the flows from running.
    "sim_severity_error": N_("error"),
    # TRANSLATORS: a problem's severity: something to look at.
    "sim_severity_warning": N_("warning"),
    # TRANSLATORS: shown prominently when the flow files have errors.
    "sim_kept": N_(
        "The flow files have errors that stop them from running: the simulator keeps running "
        "the last good flows. Fix the problems below and reload."
    ),
    # TRANSLATORS: shown when a dialogue could not be started with the chosen flow and
    # language.
    "sim_start_refused": N_(
        "This flow cannot be started in this language with the flows as loaded now. Choose again."
    ),
    # TRANSLATORS: shown when a jump was asked to a step that the flows do not have.
    "sim_jump_refused": N_("The flows as loaded now have no such step."),
}
