"""Practice area."""
