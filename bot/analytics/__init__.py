"""Pseudonymous analytics: what happened in conversations, never who it happened to.

Events name a person only by a keyed hash of their chat id (:mod:`bot.privacy.pseudonyms`) and
hold no text: which flow and node, in which language, which hand-off topic.
"""
