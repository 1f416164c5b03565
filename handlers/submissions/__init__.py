"""信息报送 and 值班表报备 in chat: open a task, submit, progress, merge, 催报."""
