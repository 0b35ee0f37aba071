"""The node types. Importing this package registers each one under its type string."""

from bot.engine.nodes.choice import Choice, Option
from bot.engine.nodes.end import End
from bot.engine.nodes.goto import Goto
from bot.engine.nodes.handoff import Handoff
from bot.engine.nodes.input import Input, Validation
from bot.engine.nodes.message import Link, Message
from bot.engine.nodes.organisations import Organisations
from bot.engine.nodes.router import Route, Router

__all__ = [
    "Choice",
    "End",
    "Goto",
    "Handoff",
    "Input",
    "Link",
    "Message",
    "Option",
    "Organisations",
    "Route",
    "Router",
    "Validation",
]
