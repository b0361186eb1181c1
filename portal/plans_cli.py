"""flask plans import|check: load a new year's notice in one command and see what is still unwritten."""
from __future__ import annotations

import re

import click
from flask import current_app
from flask.cli import AppGroup

from .content import ContentError
from .content.readers import NoticeReadError
from .content.store import PLANS_DIR

plans_cli = AppGroup("plans", help="Plans under content/plans/: import a notice, check what is missing.")


def _slug(ctx, param, value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise click.BadParameter("lower-case letters, digits and hyphens, e.g. 2024-city-management")
    return value


@plans_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--slug", required=True, callback=_slug, help="Folder name under content/plans/, e.g. 2024-city-management.")
@click.option("--kind", default=None, help="Kind of plan (default: city-management when the title says 城市管理).")
@click.option("--dry-run", is_flag=True, help="Print the tree and every unreadable line; write nothing.")
@click.option("--publish", is_flag=True,
              help="Publish the plan at once (items show the official text, plain language 'in preparation').")
def import_command(path, slug, kind, dry_run, publish):
    """Read a notice (.txt, .docx or text PDF) into content/plans/SLUG/ with plain-language fields empty."""
    from .services.plans import import_notice, tree_lines

    root = current_app.config["CONTENT_DIR"]
    try:
        planned, outcome = import_notice(path, slug, root, dry_run=dry_run, kind=kind, publish=publish)
    except (NoticeReadError, ContentError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        click.echo("\n".join(tree_lines(planned)))
    elif planned.problems:
        click.echo("\n".join(f"cannot read {p}" for p in planned.problems), err=True)
    if planned.refusal:  # a dry run fails too, so a script can tell that the import would
        raise click.ClickException(planned.refusal)
    if dry_run:
        return
    where = f"content/{PLANS_DIR}/{slug}"
    if not outcome.written:
        click.echo(f"{where}: nothing changed ({len(outcome.unchanged)} files already identical)")
    else:
        click.echo(f"{where}: wrote {len(outcome.written)} files, {len(outcome.unchanged)} unchanged")
    if outcome.kept:
        click.echo(f"kept {len(outcome.kept)} existing files with their text: " + ", ".join(outcome.kept))
    if outcome.reworded:
        click.echo("official text changed, reread the plain-language text of: " + ", ".join(outcome.reworded))
    if outcome.dropped_targets:
        click.echo("targets whose phrase is no longer in the notice, removed: " + "; ".join(outcome.dropped_targets))
    if outcome.removed:
        click.echo("work points no longer in the notice, their files removed: " + ", ".join(outcome.removed))
    if planned.unknown_offices:
        click.echo("offices not in content/offices.yaml (add them there before publishing): "
                   + "、".join(planned.unknown_offices))
    if publish:
        click.echo(f"{len(planned.notice.items)} work points, published: restart the server to serve the plan")
        from .services.plans import check_plan

        untitled = check_plan(root, slug).untitled
        if untitled:  # published in the notice's words; the docs' order writes the titles before publishing
            click.echo(f"{len(untitled)} work points without a title in both languages: `flask plans check` "
                       "fails for this published plan until they are written")
    else:
        click.echo(f"{len(planned.notice.items)} work points; plan.yaml says published: false until staff check it")


@plans_cli.command("check")
@click.argument("slug", required=False)
def check_command(slug):
    """List per plan what is still missing or not in the notice; exit 1 when a published plan fails."""
    from .services.plans import check_plans

    try:
        results = check_plans(current_app.config["CONTENT_DIR"], slug)
    except ContentError as exc:
        raise click.ClickException(str(exc)) from None
    for r in results:
        state = "published" if r.published else "not published"
        click.echo(f"{r.slug} ({state}): {r.items} work points")
        for err in r.errors:
            click.echo(f"  error: {err}")
        for what, codes in r.missing.items():
            click.echo(f"  no {what}: {len(codes)} ({', '.join(codes)})")
        for problem in r.invented:
            click.echo(f"  not in the notice: {problem}")
    failing = [r.slug for r in results if r.failing]
    if failing:
        raise click.ClickException("published plan(s) with an untitled item, a figure the notice does not hold"
                                   " or a load error: " + ", ".join(failing))
