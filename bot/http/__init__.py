"""The project's one HTTP server: platform webhooks and the feature APIs register routes on it."""
