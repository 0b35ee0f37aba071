"""The hand-off's own words, for the person asking for help and for the advocates.

English source text marked with ``N_`` for ``bot.pot``; shown through ``Catalogs.ui_text``, the
first group in the user's language, the second in the operators' language.
Placeholders are filled after translation with ``str.format``: ``{case}`` is the case number,
``{hours}`` is ``WorkingHours.describe`` in the same language.

The person on the other side may be frightened and reading over their shoulder: the texts are
short, calm and promise nothing the advocates cannot keep.
"""

from __future__ import annotations

from bot.engine.translation import N_

__all__ = [
    "ADVOCATES_UNAVAILABLE",
    "ADVOCATE_JOINED",
    "ALREADY_BANNED",
    "ALREADY_CLAIMED",
    "ALREADY_WITH_ADVOCATE",
    "ASKED_AGAIN",
    "BANNED",
    "CANCELLED",
    "CANCEL_BUTTON",
    "CANCEL_HINT",
    "CANNED_USAGE",
    "CASE_CLOSED",
    "CASE_IS_CLOSED",
    "CASE_REOPENED",
    "CLAIMED_BY",
    "CLAIM_BUTTON",
    "CLOSED",
    "CLOSED_WITH_REASON",
    "CLOSE_BUTTON",
    "EDITS_NOT_RELAYED",
    "NOTE_SAVED",
    "NOTE_USAGE",
    "NOTHING_SHARED",
    "NOT_BANNED",
    "NOT_CLOSED",
    "NO_USERNAME",
    "ONLY_ADMINS",
    "ONLY_IN_CASE_TOPIC",
    "ONLY_OPERATORS",
    "OTHER_CASE_OPEN",
    "OVERDUE",
    "QUEUE_EMPTY",
    "QUEUE_HEADING",
    "QUEUE_OVERDUE",
    "QUEUE_UNCLAIMED",
    "RELAY_FAILED",
    "RELAY_STARTED",
    "REOPENED",
    "REPLIED_FROM_CONSOLE",
    "REQUEST_PASSED",
    "REVEAL_BUTTON",
    "REVEAL_OFFER",
    "STAFF_HELP",
    "SUMMARY_HEADING",
    "UNBANNED",
    "UNKNOWN_CANNED_REPLY",
    "USERNAME_REVEALED",
    "USERNAME_SHOWN",
    "USER_BLOCKED_BOT",
    "USER_CANCELLED",
]

# --- to the person -------------------------------------------------------------------------

# TRANSLATORS: after a request for an advocate. {case} is a number, keep the "#" before it;
# {hours} is already in your language, e.g. "Mon–Fri, 09:00–18:00 (Central European Time)".
REQUEST_PASSED = N_(
    "Your request has been passed to an advocate. Case #{case}. Working hours: {hours}."
)

# TRANSLATORS: after "Talk to a person" while a request is already open: nothing new was opened.
ALREADY_WITH_ADVOCATE = N_(
    "Your request is already with an advocate (case #{case}). You can write your message here."
)

# TRANSLATORS: sent once a request is open: from now on a person, not the bot, reads what they
# write. It matters that they know this.
RELAY_STARTED = N_("Your messages now go to the advocate, not to the bot.")

# TRANSLATORS: under the confirmation of a request, above the cancel button.
CANCEL_HINT = N_("You can cancel your request at any time.")

# TRANSLATORS: a button: withdraw the request for an advocate. Short.
CANCEL_BUTTON = N_("Cancel request")

# TRANSLATORS: after pressing the cancel button.
CANCELLED = N_("Your request was cancelled.")

# TRANSLATORS: when an advocate takes the case. They are never named: do not add a name.
ADVOCATE_JOINED = N_("An advocate has joined the conversation.")

# TRANSLATORS: when nobody has taken the case for a while. It should reassure, not apologise
# at length; the person is still waiting and may be afraid they were forgotten.
OVERDUE = N_(
    "No advocate has been able to answer yet. Your request has not been forgotten: "
    "someone will write to you here as soon as they can."
)

# TRANSLATORS: {case} is a number, keep the "#" before it.
CASE_CLOSED = N_("Your case #{case} is closed.")

# TRANSLATORS: explains the button below it. Advocates see a case number only, never who
# the person is, unless the person chooses otherwise.
REVEAL_OFFER = N_(
    "The advocate does not see your name or username. If you want them to be able to "
    "contact you directly, you can show them your username."
)

# TRANSLATORS: a button: let the advocate see the user's Telegram username. Short.
REVEAL_BUTTON = N_("Show my username")

# TRANSLATORS: after pressing the button that shows the username to the advocate.
USERNAME_SHOWN = N_("The advocate can now see your username.")

# TRANSLATORS: after "Show my username" when the person's Telegram account has no username.
NO_USERNAME = N_("Your Telegram account has no username to show.")

# TRANSLATORS: when an advocate reopens a closed case. {case} is a number, keep the "#".
CASE_REOPENED = N_("Your case #{case} is open again: your messages go to the advocate.")

# TRANSLATORS: a request for an advocate cannot be passed on (the deployment has no advocates
# set up, or this chat may not use the service). Calm and neutral; no reason is given.
ADVOCATES_UNAVAILABLE = N_("An advocate cannot be reached through this chat at the moment.")

# --- to the advocates, in the staff group -------------------------------------------------

# TRANSLATORS: operators. Heading above the questions and answers a person chose to share.
SUMMARY_HEADING = N_("What the person shared:")

# TRANSLATORS: operators. Instead of the summary, when the person shared no answers.
NOTHING_SHARED = N_("The person shared no answers.")

# TRANSLATORS: operators. A button: take the case. One short word.
CLAIM_BUTTON = N_("Claim")

# TRANSLATORS: operators. A button: close the case. One short word.
CLOSE_BUTTON = N_("Close")

# TRANSLATORS: operators. {alias} is an advocate's chosen alias, never their real name.
CLAIMED_BY = N_("Claimed by {alias}.")

# TRANSLATORS: operators. A case was closed without a reason.
CLOSED = N_("Closed.")

# TRANSLATORS: operators. {reason} is what the advocate wrote after /close.
CLOSED_WITH_REASON = N_("Closed: {reason}")

# TRANSLATORS: operators. After /reopen.
REOPENED = N_("Reopened.")

# TRANSLATORS: operators. The person pressed "Cancel request".
USER_CANCELLED = N_("The person cancelled the request.")

# TRANSLATORS: operators. Telegram refuses to deliver: the person blocked the bot.
USER_BLOCKED_BOT = N_("The person has blocked the bot: messages can no longer reach them.")

# TRANSLATORS: operators. After /ban.
BANNED = N_("Banned: messages from this person are no longer relayed.")

# TRANSLATORS: operators. After /unban.
UNBANNED = N_("Unbanned: messages from this person are relayed again.")

# TRANSLATORS: operators. After /note: the note is for the team only.
NOTE_SAVED = N_("Note saved (not sent to the person).")

# TRANSLATORS: operators. Posted in a case's topic above what an advocate sent the person from
# the web console, so the whole team sees it. {alias} is the advocate's alias.
REPLIED_FROM_CONSOLE = N_("{alias} wrote to the person from the console:")

# TRANSLATORS: someone in the staff group who is not a registered operator tried a command.
ONLY_OPERATORS = N_("Only operators can do this.")

# TRANSLATORS: operators. The person chose to show their username; {username} is "@name".
USERNAME_REVEALED = N_("The person chose to show their username: {username}")

# TRANSLATORS: operators. After /canned with an unknown name; {names} lists the known ones.
UNKNOWN_CANNED_REPLY = N_("There is no canned reply called {name}. Available: {names}")

# TRANSLATORS: operators. Heading of the /queue list.
QUEUE_HEADING = N_("Open cases, oldest first:")

# TRANSLATORS: operators. /queue when nothing is open.
QUEUE_EMPTY = N_("No open cases.")

# TRANSLATORS: operators. A mark in /queue: nobody has taken the case yet.
QUEUE_UNCLAIMED = N_("unclaimed")

# TRANSLATORS: operators. A mark in /queue: the case has waited longer than it should.
QUEUE_OVERDUE = N_("overdue")

# TRANSLATORS: operators. In a case's topic when the person asked for an advocate once more.
ASKED_AGAIN = N_("The person asked for an advocate again.")

# TRANSLATORS: operators. Claim pressed on a case somebody already took.
ALREADY_CLAIMED = N_("Already claimed by {alias}.")

# TRANSLATORS: operators. A command or message in the topic of a closed case.
CASE_IS_CLOSED = N_("This case is closed. Use /reopen to write to the person again.")

# TRANSLATORS: operators. /reopen on a case that is not closed.
NOT_CLOSED = N_("This case is not closed.")

# TRANSLATORS: operators. /reopen refused; {case} is the person's other open case, as "#12".
OTHER_CASE_OPEN = N_("The person has another open case: {case}.")

# TRANSLATORS: operators. /ban or /unban by an operator who is not an admin.
ONLY_ADMINS = N_("Only admins can do this.")

# TRANSLATORS: operators. A case command used outside a case's topic.
ONLY_IN_CASE_TOPIC = N_("Use this command in the topic of a case.")

# TRANSLATORS: operators. /note without text. Keep "/note" as it is.
NOTE_USAGE = N_("Write the note after the command: /note <text>")

# TRANSLATORS: operators. /canned without a name. Keep "/canned"; {names} lists the replies.
CANNED_USAGE = N_("Name a canned reply: /canned <name>. Available: {names}")

# TRANSLATORS: operators. /ban on a person who is banned already.
ALREADY_BANNED = N_("Already banned.")

# TRANSLATORS: operators. /unban on a person who is not banned.
NOT_BANNED = N_("Not banned.")

# TRANSLATORS: operators. The help shown for /help in the staff group. Keep the commands.
STAFF_HELP = N_(
    "In a case's topic: write to answer the person (signed with your alias), /claim, "
    "/close [reason], /reopen, /note <text> (internal), /canned <name>, /ban, /unban. "
    "In General: /queue."
)

# TRANSLATORS: operators. A reply could not be delivered to the person, even after retries.
RELAY_FAILED = N_("A message could not be delivered to the person.")

# TRANSLATORS: operators. After editing a message in a case's topic: the person keeps the old one.
EDITS_NOT_RELAYED = N_("Edits are not passed on to the person: send a new message instead.")
