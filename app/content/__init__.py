"""Course content: Markdown rendering and courseware loading (pure: no Flask)."""
