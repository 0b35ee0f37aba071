"""The console's own words, by the key the templates use. English source text marked with
``N_``, translated through the ``bot`` catalogs on every request."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.translation import N_

__all__ = ["ROLE_WORDS", "WORDS"]

WORDS: Mapping[str, str] = {
    # TRANSLATORS: the browser tab's title and the header of the web console. "Haven" is the
    # bot's name.
    "title": N_("Haven console"),
    # TRANSLATORS: the heading of the sign-in page; {alias} is the operator's alias.
    "login_heading": N_("Sign in as {alias}?"),
    # TRANSLATORS: on the sign-in page, under its heading.
    "login_text": N_(
        "This link from the bot signs you in to the console in this browser. It works once."
    ),
    # TRANSLATORS: the button of the sign-in page.
    "login_button": N_("Sign in"),
    # TRANSLATORS: the heading of the page shown for a sign-in link that is expired, used or
    # wrong.
    "link_heading": N_("This link does not work"),
    # TRANSLATORS: on the page for an expired, used or wrong sign-in link.
    "link_text": N_("This link is not valid any more. Send /console to the bot for a new one."),
    # TRANSLATORS: the heading of the page shown to a browser that is not signed in.
    "signed_out_heading": N_("You are not signed in"),
    # TRANSLATORS: on the page shown to a browser that is not signed in, or after signing out.
    "signed_out_text": N_("To sign in, send /console to the bot and open the link it sends."),
    # TRANSLATORS: the heading of the page shown after signing out.
    "goodbye_heading": N_("You have signed out"),
    # TRANSLATORS: the heading of the page shown when a form came without its security token.
    "form_heading": N_("This form cannot be sent"),
    # TRANSLATORS: shown when a form came without its security token, or from another site.
    "form_text": N_(
        "The page was too old or did not come from the console. Open the console again and "
        "repeat what you did."
    ),
    # TRANSLATORS: the heading of the page shown when an operator's role does not allow a page.
    "role_refused_heading": N_("Not for your role"),
    # TRANSLATORS: on the page shown when an operator's role does not allow a page.
    "role_refused_text": N_(
        "Your role does not include this page. An administrator can change your role."
    ),
    # TRANSLATORS: the link from an error page back to the console's home page.
    "home_link": N_("Open the console"),
    # TRANSLATORS: the heading of the console's home page; {alias} is the operator's alias.
    "home_heading": N_("Hello, {alias}"),
    # TRANSLATORS: on the console's home page, before the operator's role.
    "role": N_("Your role"),
    # TRANSLATORS: on the console's home page.
    "home_text": N_("You are signed in. These are the console's pages for your role:"),
    # TRANSLATORS: the label of the buttons that choose the console's language.
    "language": N_("Language"),
    # TRANSLATORS: the button that signs out of the console.
    "logout": N_("Sign out"),
    # TRANSLATORS: the link to the analytics page, and its heading: numbers of how people
    # used the bot.
    "analytics": N_("Analytics"),
    # TRANSLATORS: under the heading of the analytics page.
    "analytics_text": N_(
        "Counted from pseudonymous events: where conversations went, never who wrote or what."
    ),
    # TRANSLATORS: on the analytics page, the label of the choice of how many days to count.
    "analytics_period": N_("Period"),
    # TRANSLATORS: a period of the analytics page; {days} is 7, 30 or 90.
    "analytics_last_days": N_("Last {days} days"),
    # TRANSLATORS: on the analytics page, the label of the choice of one dialogue flow.
    "analytics_flow": N_("Flow"),
    # TRANSLATORS: on the analytics page, the choice that counts every dialogue flow.
    "analytics_all_flows": N_("All flows"),
    # TRANSLATORS: the button of the analytics page that shows the chosen period and flow.
    "analytics_show": N_("Show"),
    # TRANSLATORS: the link that downloads the analytics as a spreadsheet file.
    "analytics_download_csv": N_("Download as CSV"),
    # TRANSLATORS: on the analytics page, the number of conversations, and a column's heading.
    "analytics_conversations": N_("Conversations"),
    # TRANSLATORS: a heading of the analytics page.
    "analytics_languages_heading": N_("Conversations per language"),
    # TRANSLATORS: a heading of the analytics page; an advocate is a human helper.
    "analytics_handoffs_heading": N_("Requests for an advocate per day and topic"),
    # TRANSLATORS: the caption of a chart; {first} and {last} are dates.
    "analytics_handoffs_chart": N_("Requests per day, from {first} to {last}"),
    # TRANSLATORS: a column's heading on the analytics page.
    "analytics_day": N_("Day"),
    # TRANSLATORS: a column's heading on the analytics page: what a request was about.
    "analytics_topic": N_("Topic"),
    # TRANSLATORS: a column's heading on the analytics page: requests for an advocate.
    "analytics_requests": N_("Requests"),
    # TRANSLATORS: on the analytics page, when nobody asked for an advocate.
    "analytics_no_handoffs": N_("Nobody asked for an advocate in this period."),
    # TRANSLATORS: a heading of the analytics page.
    "analytics_nodes_heading": N_("Where conversations went and stopped"),
    # TRANSLATORS: on the analytics page, explains the table of steps and its bars.
    "analytics_nodes_text": N_(
        "Reached: conversations that came to a step. Stopped: those that ended there or went "
        "no further for an hour. A bar shows the reached; its dark end, the stopped."
    ),
    # TRANSLATORS: the caption of a table of one dialogue flow; {flow} is its name.
    "analytics_flow_caption": N_("Flow {flow}"),
    # TRANSLATORS: a column's heading on the analytics page: a step of a dialogue flow.
    "analytics_node": N_("Step"),
    # TRANSLATORS: a column's heading: how many conversations came to a step.
    "analytics_reached": N_("Reached"),
    # TRANSLATORS: a column's heading: how many conversations ended or stayed at a step.
    "analytics_stopped": N_("Stopped"),
    # TRANSLATORS: on the analytics page, when nothing happened in the chosen period.
    "analytics_no_events": N_("Nothing was recorded in this period."),
    # TRANSLATORS: the link to the flow map, and its heading: the dialogue flows drawn as
    # graphs of their steps.
    "flows_heading": N_("Flow map"),
    # TRANSLATORS: under the heading of the flow map.
    "flows_text": N_(
        "Every dialogue flow the bot runs now, with its steps and the problems the checks "
        "found in them. Open a flow to see it drawn."
    ),
    # TRANSLATORS: the name, for screen readers, of the row of links to the pages above this
    # one.
    "flows_crumbs": N_("You are here"),
    # TRANSLATORS: a column's heading on the flow map: a dialogue flow.
    "flows_flow": N_("Flow"),
    # TRANSLATORS: a column's heading on the flow map, and a heading: the steps of a flow.
    "flows_nodes": N_("Steps"),
    # TRANSLATORS: a column's heading on the flow map: problems that stop a flow from running.
    "flows_errors": N_("Errors"),
    # TRANSLATORS: a column's heading on the flow map: problems to look at, such as an old
    # review of the facts.
    "flows_warnings": N_("Warnings"),
    # TRANSLATORS: on a flow's page, explains the colours of its drawing; {days} is a number.
    "flows_traffic": N_(
        "Each step is coloured by how many conversations reached it in the last {days} days, "
        "darker for more, and says how many stopped there. Select a step to see its texts."
    ),
    # TRANSLATORS: a colour in the legend of a flow's drawing.
    "flows_traffic_0": N_("not reached"),
    # TRANSLATORS: a colour in the legend of a flow's drawing: a quarter or less of the most.
    "flows_traffic_1": N_("few conversations"),
    # TRANSLATORS: a colour in the legend of a flow's drawing.
    "flows_traffic_2": N_("some conversations"),
    # TRANSLATORS: a colour in the legend of a flow's drawing.
    "flows_traffic_3": N_("many conversations"),
    # TRANSLATORS: a colour in the legend of a flow's drawing: as many as the busiest step.
    "flows_traffic_4": N_("the most conversations"),
    # TRANSLATORS: in the legend of a flow's drawing: a step outlined because of a problem.
    "flows_legend_issue": N_("thick outline: a problem, named by its code"),
    # TRANSLATORS: a heading and a column's heading on the flow map: problems found by the
    # checks.
    "flows_issues": N_("Problems"),
    # TRANSLATORS: on a flow's page when the server cannot draw the flow.
    "flows_graph_missing": N_(
        "The drawing is not available on this server. The table below has the same numbers."
    ),
    # TRANSLATORS: a column's heading on the flow map: a step of a dialogue flow.
    "flows_node": N_("Step"),
    # TRANSLATORS: how many conversations came to a step (a column's heading, a label).
    "flows_reached": N_("Reached"),
    # TRANSLATORS: how many conversations ended or stayed at a step (a column's heading).
    "flows_stopped": N_("Stopped"),
    # TRANSLATORS: a column's heading: the share of the conversations that stopped at a step.
    "flows_drop_off": N_("Drop-off"),
    # TRANSLATORS: on a step's page: what kind of step it is (message, choice...).
    "flows_node_type": N_("Type"),
    # TRANSLATORS: on a step's page, when the checks found no problem in it.
    "flows_no_issues": N_("The checks found no problem here."),
    # TRANSLATORS: a heading on a step's page: where the facts it states come from.
    "flows_sources": N_("Sources"),
    # TRANSLATORS: on a step's page: the date someone last checked its facts.
    "flows_reviewed": N_("Reviewed"),
    # TRANSLATORS: on a step's page, when nobody has checked its facts yet.
    "flows_never_reviewed": N_("never"),
    # TRANSLATORS: on a step's page: the date by which its facts should be checked again.
    "flows_review_due": N_("Next review due"),
    # TRANSLATORS: on a step's page, after the name of the language the flow is written in.
    "flows_source_text": N_("source text"),
    # TRANSLATORS: on a step's page, under a text that has no translation in a language.
    "flows_translation_missing": N_("Not translated: people see the source text."),
    # TRANSLATORS: on a step's page, under a translation made for an older source text.
    "flows_translation_fuzzy": N_("Translation out of date: people see the source text."),
    # TRANSLATORS: a heading on a step's page: the steps that can come after it.
    "flows_leads_to": N_("Leads to"),
    # TRANSLATORS: the heading of the page for a flow or step that does not exist.
    "flows_missing_heading": N_("Not found"),
    # TRANSLATORS: on the page for a flow or step that does not exist.
    "flows_missing_text": N_("The bot runs no flow or step at this address."),
}

#: The operators' roles, as the home page names them.
ROLE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: a role: an advocate who takes cases.
    "operator": N_("operator"),
    # TRANSLATORS: a role: an advocate who may also ban and manage.
    "admin": N_("administrator"),
    # TRANSLATORS: a role: someone who edits the dialogue flows and their translations, and
    # works on no case.
    "maintainer": N_("maintainer"),
}
