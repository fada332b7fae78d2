"""Accounts: login, logout, password change."""
