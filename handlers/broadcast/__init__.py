"""Chat commands of emergency broadcasts whose every recipient must acknowledge."""
