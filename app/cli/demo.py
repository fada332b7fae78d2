"""``flask --app app demo``: demo accounts, class and exam (development only)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services.demo import DEMO_PASSWORD, create_demo_data


@click.command("demo")
@with_appcontext
def demo_command():
    """Create the demo instructor, students, class and exam (idempotent)."""
    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("生产配置下不创建演示数据(APP_CONFIG=production)。")
    summary = create_demo_data()
    for line in summary:
        click.echo(line)
    click.echo(f"演示账号密码：{DEMO_PASSWORD}")
