"""Instructor workspace."""
