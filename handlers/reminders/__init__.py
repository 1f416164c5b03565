"""Chat commands of personal reminders (提醒)."""
