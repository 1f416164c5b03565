"""The console platform: chat with the bot in a terminal, or pipe a conversation through it."""

from bot.adapters.console.adapter import ConsoleAdapter, files_dir

__all__ = ["ConsoleAdapter", "files_dir"]
