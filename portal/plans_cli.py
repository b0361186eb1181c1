"""flask plans import|check: load a new year's notice in one command and see what is still unwritten."""
from __future__ import annotations

import re

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from .cli_language import option
from .content import ContentError
from .content.readers import NoticeReadError
from .content.store import PLANS_DIR
from .i18n import N_

# What `plans check` finds missing, by the keys of PlanCheck.missing.
MISSING = {"title zh": N_("title zh"), "title en": N_("title en"), "summary zh": N_("summary zh"),
           "summary en": N_("summary en"), "targets": N_("targets"), "places": N_("places")}

plans_cli = AppGroup("plans", help=_l("Plans under content/plans/: import a notice, check what is missing."))


def _slug(ctx, param, value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise click.BadParameter(gettext("lower-case letters, digits and hyphens, e.g. 2024-city-management"))
    return value


@plans_cli.command("import", help=_l("Read a notice (.txt, .docx or text PDF) into content/plans/SLUG/ with "
                                     "plain-language fields empty."))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@option("--slug", required=True, callback=_slug, help=_l("Folder name under content/plans/, e.g. 2024-city-management."))
@option("--kind", default=None, help=_l("Kind of plan (default: city-management when the title says 城市管理)."))
@option("--dry-run", is_flag=True, help=_l("Print the tree and every unreadable line; write nothing."))
@option("--publish", is_flag=True,
        help=_l("Publish the plan at once (items show the official text, plain language 'in preparation')."))
@option("--move-records", is_flag=True,
        help=_l("When the notice renumbers work points, move their progress updates, comments, sites, marks, "
                "outcomes and e-mail followers to the new numbers."))
def import_command(path, slug, kind, dry_run, publish, move_records):
    from .content.importer import cannot_read, ignored_lines
    from .services.plans import continued_elsewhere, import_notice, tree_lines

    root = current_app.config["CONTENT_DIR"]
    try:
        planned, outcome = import_notice(path, slug, root, dry_run=dry_run, kind=kind, publish=publish,
                                         move_records=move_records,
                                         max_bytes=current_app.config["NOTICE_MAX_BYTES"],
                                         max_unzipped=current_app.config["NOTICE_MAX_UNZIPPED_BYTES"])
    except (NoticeReadError, ContentError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        click.echo("\n".join(tree_lines(planned)))
        if move_records and planned.renumbered_with_records and not planned.refusal:
            click.echo(gettext("records would move with their work points: %(moves)s",
                               moves=", ".join(planned.renumbered_with_records)))
    else:
        for line in ignored_lines(planned) + [cannot_read(p) for p in planned.problems]:
            click.echo(line, err=True)
    if planned.refusal:  # a dry run fails too, so a script can tell that the import would
        raise click.ClickException(planned.refusal)
    if planned.struck_out_with_records:
        click.echo(gettext("work points struck out of the notice have progress updates, comments, sites, marks, "
                           "outcomes or e-mail followers: %(codes)s; these stay in the database and in backups "
                           "but no longer show on the site", codes=", ".join(planned.struck_out_with_records)),
                   err=True)
    if planned.reworded_with_records:
        click.echo(gettext("official text changed under the same number for work points with progress updates, "
                           "comments, sites, marks, outcomes or e-mail followers: %(codes)s; these stay under that "
                           "number: check that each is still the same work point (a point added before it and its "
                           "text reworded is not seen as a renumbering)", codes=", ".join(planned.reworded_with_records)),
                   err=True)
    if dry_run:
        return
    where = f"content/{PLANS_DIR}/{slug}"
    if not outcome.written:
        click.echo(gettext("%(folder)s: nothing changed (%(count)s files already identical)", folder=where,
                           count=len(outcome.unchanged)))
    else:
        click.echo(gettext("%(folder)s: wrote %(written)s files, %(unchanged)s unchanged", folder=where,
                           written=len(outcome.written), unchanged=len(outcome.unchanged)))
    if outcome.kept:
        click.echo(gettext("kept %(count)s existing files with their text: %(files)s", count=len(outcome.kept),
                           files=", ".join(outcome.kept)))
    if outcome.reworded:
        click.echo(gettext("official text changed, reread the plain-language text of: %(files)s",
                           files=", ".join(outcome.reworded)))
    if outcome.dropped_targets:
        click.echo(gettext("targets whose phrase is no longer in the notice, removed: %(targets)s",
                           targets="; ".join(outcome.dropped_targets)))
    if outcome.moved:
        click.echo(gettext("work points renumbered, their files moved with them: %(moves)s", moves=", ".join(
            f"items/{old}.yaml → items/{new}.yaml" for old, new in outcome.moved.items())))
        if planned.records_moved:
            moves = [ngettext("%(old)s → %(new)s (%(num)s record)", "%(old)s → %(new)s (%(num)s records)", count,
                              old=old, new=outcome.moved[old]) for old, count in planned.records_moved.items()]
            click.echo(gettext("records moved with their work points: %(moves)s; restart the server now (until "
                               "then it shows them under the old numbering)", moves=", ".join(moves)))
        elsewhere = continued_elsewhere(root, slug)
        if elsewhere:
            click.echo(gettext("other plans continue renumbered work points; correct these lines: %(lines)s",
                               lines="; ".join(elsewhere)), err=True)
    if outcome.removed:
        click.echo(gettext("work points no longer in the notice, their files removed: %(files)s",
                           files=", ".join(outcome.removed)))
    if planned.unknown_offices:
        click.echo(gettext("offices not in content/offices.yaml (add them there before publishing): %(offices)s",
                           offices="、".join(planned.unknown_offices)))
    items = len(planned.notice.items)
    _sync_rows(slug)
    if publish:
        click.echo(gettext("%(count)s work points, published: restart the server to serve the plan", count=items))
        from .services.plans import check_plan

        untitled = check_plan(root, slug).untitled
        if untitled:  # published in the notice's words; the docs' order writes the titles before publishing
            click.echo(gettext("%(count)s work points without a title in both languages: `flask plans check` "
                               "fails for this published plan until they are written", count=len(untitled)))
    else:
        click.echo(gettext("%(count)s work points; plan.yaml says published: false until staff check it",
                           count=items))


def _sync_rows(slug: str) -> None:
    """Give a served plan's new work points their database rows now, as `flask load-content` would: after the
    restart the import asks for, a comment on one of them failed (its row missing) and /healthz said
    "not loaded" until someone thought of running load-content."""
    from .content import load_plans
    from .extensions import db
    from .services.content import sync_items

    try:
        store = load_plans(current_app.config["CONTENT_DIR"], current_app.config.get("CURRENT_PLAN")).store(slug)
    except ContentError as exc:  # another plan's folder: the server would not start either
        raise click.ClickException(str(exc)) from None
    if store is None:  # unpublished (and not chosen as current): not served, so no rows needed yet
        return
    try:
        sync_items(store)
    except SQLAlchemyError:
        # The files are written: an import prepared on a copy of content/ with no database (or none yet
        # migrated) has succeeded, and the deploy's `load-content` gives the rows.
        db.session.rollback()
        click.echo(gettext("the database was not updated: run `flask --app wsgi load-content` before the "
                           "restart"), err=True)


@plans_cli.command("check", help=_l("List per plan what is still missing or not in the notice; exit 1 when a "
                                    "published plan fails."))
@click.argument("slug", required=False)
def check_command(slug):
    from .services.plans import check_plans

    try:
        results = check_plans(current_app.config["CONTENT_DIR"], slug)
    except ContentError as exc:
        raise click.ClickException(str(exc)) from None
    for r in results:
        state = gettext("published") if r.published else gettext("not published")
        click.echo(gettext("%(slug)s (%(state)s): %(count)s work points", slug=r.slug, state=state, count=r.items))
        for err in r.errors:
            click.echo("  " + gettext("error: %(error)s", error=err))
        for warning in r.warnings:
            click.echo("  " + gettext("warning: %(warning)s", warning=warning))
        for what, codes in r.missing.items():
            click.echo("  " + gettext("no %(what)s: %(count)s (%(codes)s)", what=gettext(MISSING[what]),
                                      count=len(codes), codes=", ".join(codes)))
        for problem in r.invented:
            click.echo("  " + gettext("not in the notice: %(problem)s", problem=problem))
    failing = [r.slug for r in results if r.failing]
    if failing:
        raise click.ClickException(gettext("published plan(s) with an untitled item, a figure the notice does not "
                                           "hold, a load error or a continues: line naming no work point: %(plans)s", plans=", ".join(failing)))
