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
    # TRANSLATORS: the link from an error page back to the console's home page.
    "home_link": N_("Open the console"),
    # TRANSLATORS: the heading of the console's home page; {alias} is the operator's alias.
    "home_heading": N_("Hello, {alias}"),
    # TRANSLATORS: on the console's home page, before the operator's role.
    "role": N_("Your role"),
    # TRANSLATORS: on the console's home page.
    "home_text": N_("You are signed in. More of the console's pages will appear here."),
    # TRANSLATORS: the label of the buttons that choose the console's language.
    "language": N_("Language"),
    # TRANSLATORS: the button that signs out of the console.
    "logout": N_("Sign out"),
}

#: The operators' roles, as the home page names them.
ROLE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: a role: an advocate who takes cases.
    "operator": N_("operator"),
    # TRANSLATORS: a role: an advocate who may also ban and manage.
    "admin": N_("administrator"),
}
