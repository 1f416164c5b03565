"""Chat commands of help and welcome."""
