"""Haven: a guidance bot for people fleeing military service and seeking protection."""

__version__ = "0.1.0"
