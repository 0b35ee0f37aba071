"""The web console: server-rendered pages at ``/console`` for operators, in every mode.

An operator signs in with a one-time link that the bot's /console sends
(:mod:`bot.tg.console_command`); the pages rest on :mod:`bot.console` (links, sessions) and
keep to :mod:`.security` (headers, cookies, form tokens). :func:`console_routes` gives the
routes; :mod:`bot.app` mounts them.
"""

from .routes import CONSOLE_PATH, console_routes

__all__ = ["CONSOLE_PATH", "console_routes"]
