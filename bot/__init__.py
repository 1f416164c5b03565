"""DutyBot 值班助手: the runtime package (core, adapters, delivery, CLI)."""

__version__ = "0.1.0"
