"""The pure conversation engine: flows in, events out, no I/O (standard library only).

``Engine.start`` and ``Engine.resume`` take a :class:`ConversationState` and a user input and
return a :class:`Step` with the new state and the events to render. Adapters (Telegram, the
terminal simulator, the web console) render events; storage saves the state as JSON.
"""

from bot.engine import nodes
from bot.engine.conditions import All, Any, Condition, Equals, In, IsSet, Not
from bot.engine.directory import Directory, Organisation
from bot.engine.events import (
    NAVIGATION,
    NAVIGATION_LABELS,
    Choice,
    ChoicesOffered,
    Event,
    FlowEntered,
    InputRejected,
    InputRequested,
    InputStale,
    LanguagePickerRequested,
    LinkButton,
    MessageCreated,
    Navigation,
    NothingToGoBackTo,
    SessionEnded,
    TicketOpened,
)
from bot.engine.flow import (
    FLOW_NODE,
    SENSITIVITIES,
    VARIABLE_TYPES,
    Flow,
    Sensitivity,
    Value,
    Variable,
)
from bot.engine.inputs import Chose, LanguageChosen, Navigated, ShowAgain, TypedText, UserInput
from bot.engine.node import NODE_TYPES, Node, Question, TextField, VariableUse
from bot.engine.runner import (
    Clock,
    Engine,
    FlowLoopError,
    Step,
    UnknownFlowError,
    UnknownNodeError,
)
from bot.engine.state import Checkpoint, ConversationState, Frame, StateFormatError
from bot.engine.translation import N_, SourceText, Translator

__all__ = [
    "FLOW_NODE",
    "NAVIGATION",
    "NAVIGATION_LABELS",
    "NODE_TYPES",
    "N_",
    "SENSITIVITIES",
    "VARIABLE_TYPES",
    "All",
    "Any",
    "Checkpoint",
    "Choice",
    "ChoicesOffered",
    "Chose",
    "Clock",
    "Condition",
    "ConversationState",
    "Directory",
    "Engine",
    "Equals",
    "Event",
    "Flow",
    "FlowEntered",
    "FlowLoopError",
    "Frame",
    "In",
    "InputRejected",
    "InputRequested",
    "InputStale",
    "IsSet",
    "LanguageChosen",
    "LanguagePickerRequested",
    "LinkButton",
    "MessageCreated",
    "Navigated",
    "Navigation",
    "Node",
    "Not",
    "NothingToGoBackTo",
    "Organisation",
    "Question",
    "Sensitivity",
    "SessionEnded",
    "ShowAgain",
    "SourceText",
    "StateFormatError",
    "Step",
    "TextField",
    "TicketOpened",
    "Translator",
    "TypedText",
    "UnknownFlowError",
    "UnknownNodeError",
    "UserInput",
    "Value",
    "Variable",
    "VariableUse",
    "nodes",
]
