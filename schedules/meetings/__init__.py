"""Time-driven jobs of 办会: reminders and the organiser's live 回执."""
