"""Exams area."""
