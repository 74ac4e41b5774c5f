"""The newsroom bot: Discord surface, console and command line."""

__version__ = "0.1.0"
