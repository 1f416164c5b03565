"""公车调派 in chat: requests, dispatch, the fleet and monthly use."""
