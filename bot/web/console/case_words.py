"""The operator pages' words (the queue, a case), by the key their templates use (see
:mod:`.words`)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.translation import N_

__all__ = ["CASE_WORDS"]

CASE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the link to the list of cases (people who asked for an advocate), and its
    # heading.
    "cases": N_("Cases"),
    # TRANSLATORS: under the heading of the list of cases.
    "cases_text": N_(
        "People who asked for an advocate. Cases waiting too long come first, then the oldest."
    ),
    # TRANSLATORS: the label of the choice of which cases to list, by their state.
    "cases_status": N_("Status"),
    # TRANSLATORS: a choice of the list of cases: those waiting for an advocate and those an
    # advocate has taken, i.e. every case not closed.
    "cases_status_active": N_("Not closed"),
    # TRANSLATORS: a choice of the list of cases, and a case's state: nobody has taken it yet.
    "cases_status_open": N_("Waiting"),
    # TRANSLATORS: a choice of the list of cases, and a case's state: an advocate has taken it.
    "cases_status_claimed": N_("Claimed"),
    # TRANSLATORS: a choice of the list of cases, and a case's state.
    "cases_status_closed": N_("Closed"),
    # TRANSLATORS: a case's state: its content was deleted (the person asked, or it was kept
    # as long as allowed).
    "cases_status_erased": N_("Erased"),
    # TRANSLATORS: the label of the choice of the language of the cases listed.
    "cases_language": N_("Language"),
    # TRANSLATORS: a choice of the list of cases.
    "cases_all_languages": N_("All languages"),
    # TRANSLATORS: the label of the choice of the topic of the cases listed (asylum, work...).
    "cases_topic": N_("Topic"),
    # TRANSLATORS: a choice of the list of cases.
    "cases_all_topics": N_("All topics"),
    # TRANSLATORS: the label of the choice of whose cases to list; a column's heading.
    "cases_assignee": N_("Advocate"),
    # TRANSLATORS: a choice of the list of cases: whoever has them.
    "cases_anyone": N_("Anyone"),
    # TRANSLATORS: a choice of the list of cases, and shown for a case no advocate has taken.
    "cases_nobody": N_("Nobody yet"),
    # TRANSLATORS: a choice of the list of cases: the cases of the operator looking at it.
    "cases_me": N_("Me"),
    # TRANSLATORS: the button that lists the cases chosen.
    "cases_show": N_("Show"),
    # TRANSLATORS: above the list of cases; {count} is a number.
    "cases_found": N_("Cases found: {count}"),
    # TRANSLATORS: when no case matches the choices.
    "cases_none": N_("No case matches."),
    # TRANSLATORS: under a list cut short; {limit} is a number such as 200.
    "cases_more": N_("Only the first {limit} are shown, and more match. Choose fewer cases above."),
    # TRANSLATORS: a column's heading of the list of cases: the case number.
    "cases_case": N_("Case"),
    # TRANSLATORS: a column's heading: how long a case has waited since it was opened.
    "cases_waiting": N_("Waiting for"),
    # TRANSLATORS: marks a case that has waited too long for an advocate.
    "cases_overdue": N_("overdue"),
    # TRANSLATORS: a case's name; {case} is its number, keep the "#" before it.
    "case_heading": N_("Case #{case}"),
    # TRANSLATORS: shown for an advocate who has since been removed from the operators.
    "case_former_advocate": N_("a former advocate"),
    # TRANSLATORS: the heading of the page shown when the bot has no staff group.
    "cases_not_set_up_heading": N_("No advocates are set up"),
    # TRANSLATORS: on the page shown when the bot has no staff group. Keep OPERATOR_CHAT_ID.
    "cases_not_set_up_text": N_(
        "This bot has no staff group (OPERATOR_CHAT_ID), so nobody can ask for an advocate "
        "and there are no cases."
    ),
    # TRANSLATORS: the heading of the page for a case number that does not exist.
    "case_missing_heading": N_("No such case"),
    # TRANSLATORS: on the page for a case number that does not exist.
    "case_missing_text": N_("There is no case with this number."),
    # TRANSLATORS: a heading on a case's page: facts about the case.
    "case_facts": N_("About the case"),
    # TRANSLATORS: a label on a case's page: the dialogue flow and its step where the person
    # asked for an advocate.
    "case_flow": N_("Asked in"),
    # TRANSLATORS: a label on a case's page: when the case was opened.
    "case_opened": N_("Opened"),
    # TRANSLATORS: a label on a case's page: when the case was closed.
    "case_closed_at": N_("Closed on"),
    # TRANSLATORS: a label on a case's page: what the advocate wrote when closing it.
    "case_close_reason": N_("Reason for closing"),
    # TRANSLATORS: a label on a case's page: the advocate who has the case.
    "case_claimed_by": N_("Claimed by"),
    # TRANSLATORS: a label on a case's page, before a warning.
    "case_reachable": N_("Replies"),
    # TRANSLATORS: on a case's page, when Telegram said the person blocked the bot.
    "case_user_blocked": N_(
        "The person has blocked the bot: replies do not reach them until they write again."
    ),
    # TRANSLATORS: a label on a case's page: the person's Telegram username.
    "case_username": N_("Username"),
    # TRANSLATORS: on a case's page, when the person chose to show their Telegram username.
    "case_username_revealed": N_(
        "The person chose to show it to the advocates. It is in the case's topic in the staff "
        "group; this page never shows it."
    ),
    # TRANSLATORS: on the page of a case whose content was deleted.
    "case_erased": N_(
        "This case was erased, at the person's request or when the time to keep it ended. "
        "Nothing of what was said is kept."
    ),
    # TRANSLATORS: on a case's page, under its facts; {zone} is a time zone such as
    # Europe/Berlin.
    "case_times_in": N_("Times are in the time zone {zone}."),
    # TRANSLATORS: a heading on a case's page: the answers the person chose to share.
    "case_summary": N_("What the person shared"),
    # TRANSLATORS: on a case's page, when the person shared no answers.
    "case_nothing_shared": N_("The person shared no answers."),
    # TRANSLATORS: a heading on a case's page: the messages between the person and the
    # advocates.
    "case_conversation": N_("Conversation"),
    # TRANSLATORS: on a case's page, when nobody has written yet.
    "case_no_messages": N_("No messages yet."),
    # TRANSLATORS: on a case's page, under the conversation. {count} is a number.
    "case_latest_only": N_("Only the latest {count} messages are shown."),
    # TRANSLATORS: on a case's page: files, photos and voice messages are not kept.
    "case_media_note": N_(
        "Photos, files and voice messages are not kept here: the case's topic in the staff "
        "group shows them."
    ),
    # TRANSLATORS: who wrote a message of the conversation: the person who asked for help.
    "case_person": N_("Person"),
    # TRANSLATORS: a heading on a case's page: the advocates' internal notes.
    "case_notes": N_("Notes"),
    # TRANSLATORS: under the heading of the notes.
    "case_notes_text": N_("Only advocates see notes: they never reach the person."),
    # TRANSLATORS: on a case's page, when there are no notes.
    "case_no_notes": N_("No notes yet."),
    # TRANSLATORS: a button: take the case.
    "case_claim": N_("Claim"),
    # TRANSLATORS: a button for administrators: take over a case another advocate has.
    "case_take_over": N_("Take over"),
    # TRANSLATORS: a heading and the label of the text field for a reply to the person.
    "case_reply": N_("Reply to the person"),
    # TRANSLATORS: under the reply field; {alias} is the operator's alias, {limit} a number.
    "case_reply_hint": N_(
        "The bot sends it signed “{alias}:”, as a reply in the case's topic would be. At most "
        "{limit} characters."
    ),
    # TRANSLATORS: the button that sends a reply to the person.
    "case_send": N_("Send"),
    # TRANSLATORS: a heading and the label of the choice of a prepared reply.
    "case_canned": N_("Canned reply"),
    # TRANSLATORS: under the choice of a prepared reply; {language} is a language's name.
    "case_canned_hint": N_("Sent in the person's language: {language}."),
    # TRANSLATORS: the button that sends the chosen prepared reply.
    "case_send_canned": N_("Send canned reply"),
    # TRANSLATORS: a heading and the label of the text field of a new note.
    "case_add_note": N_("Add a note"),
    # TRANSLATORS: the button that saves a note.
    "case_save_note": N_("Save note"),
    # TRANSLATORS: a heading, and the button that closes the case.
    "case_close": N_("Close the case"),
    # TRANSLATORS: the label of the field for why a case is closed.
    "case_close_reason_label": N_("Reason (optional, for the advocates only)"),
    # TRANSLATORS: under the reason field: what the person is told.
    "case_close_hint": N_("The person is told that the case is closed, never the reason."),
    # TRANSLATORS: on a closed case's page, instead of the reply forms. Keep "/reopen".
    "case_closed_text": N_(
        "The case is closed. To write to the person again, reopen it with /reopen in its topic."
    ),
    # TRANSLATORS: confirmation after taking a case.
    "case_done_claimed": N_("You have the case now."),
    # TRANSLATORS: confirmation after closing a case.
    "case_done_closed": N_("The case is closed, and the person was told."),
    # TRANSLATORS: confirmation after saving a note.
    "case_done_noted": N_("The note is saved. The person does not see it."),
    # TRANSLATORS: confirmation after sending a reply.
    "case_done_replied": N_("Your reply is on its way to the person."),
    # TRANSLATORS: confirmation after sending a prepared reply.
    "case_done_canned": N_("The canned reply is on its way to the person."),
    # TRANSLATORS: when a reply or note was sent empty.
    "case_text_blank": N_("The text is empty. Nothing was sent or saved."),
    # TRANSLATORS: when a reply or note is too long. {length} and {limit} are numbers.
    "case_text_too_long": N_(
        "The text has {length} characters, more than the {limit} allowed. Nothing was sent or "
        "saved: shorten it and try again."
    ),
    # TRANSLATORS: when no prepared reply was chosen.
    "case_canned_missing": N_("Choose a canned reply first."),
    # What the conversation shows for a message that was not text (media are never kept), by
    # bot.tg.media's kinds.
    # TRANSLATORS: in a case's conversation, a message that was a photo.
    "case_kind_photo": N_("Photo"),
    # TRANSLATORS: in a case's conversation, a message that was a video.
    "case_kind_video": N_("Video"),
    # TRANSLATORS: in a case's conversation, a message that was an animation (a GIF).
    "case_kind_animation": N_("Animation"),
    # TRANSLATORS: in a case's conversation, a message that was a file.
    "case_kind_document": N_("File"),
    # TRANSLATORS: in a case's conversation, a message that was an audio file.
    "case_kind_audio": N_("Audio"),
    # TRANSLATORS: in a case's conversation, a message that was a voice message.
    "case_kind_voice": N_("Voice message"),
    # TRANSLATORS: in a case's conversation, a message that was a round video message.
    "case_kind_video_note": N_("Video message"),
    # TRANSLATORS: in a case's conversation, a message that was a sticker.
    "case_kind_sticker": N_("Sticker"),
    # TRANSLATORS: in a case's conversation, a message of another kind.
    "case_kind_other": N_("Other message"),
}
