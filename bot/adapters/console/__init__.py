"""The console platform: chat with the bot in a terminal, or pipe a conversation through it."""

from bot.adapters.console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
