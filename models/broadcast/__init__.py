"""Domain model and rules of emergency broadcasts whose every recipient must acknowledge."""
