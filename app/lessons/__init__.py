"""Lessons: course home, chapters, figures, progress."""
