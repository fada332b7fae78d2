"""Home page, search and language switch."""
