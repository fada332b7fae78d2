"""Command-line interface: ``flask --app app <group> <command>``."""

from flask import Flask


def init_cli(app: Flask) -> None:
    """Register every command group."""
    from .bank import bank_group, sync_command
    from .cases import case_group
    from .courseware import courseware_group
    from .demo import demo_command
    from .exams import exam_group
    from .users import user_group

    app.cli.add_command(demo_command)
    app.cli.add_command(user_group)
    app.cli.add_command(bank_group)
    app.cli.add_command(sync_command)
    app.cli.add_command(exam_group)
    app.cli.add_command(case_group)
    app.cli.add_command(courseware_group)
