"""A local Telegram Bot API server and a bot wired to it, for tests, drills and benchmarks."""
