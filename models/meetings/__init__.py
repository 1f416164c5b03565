"""Domain model and rules of 办会: meetings and their decisions (会后督办)."""
