"""The web console's access: one-time login links sent through the bot, and sessions.

The pages themselves are in :mod:`bot.web.console`; this package holds what they rest on, so
that it can be tested, and used by the bot's /console command, without a web server:
:mod:`.store` (a transaction with :mod:`.links` and :mod:`.sessions`) and :mod:`.signing`.
Nothing is imported here: :mod:`bot.storage.tables` imports :mod:`.tables` while the storage
package itself is still loading.
"""
