"""flask --app wsgi mail send-pending | privacy purge: run by the timers in deploy/ (every minute, daily)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l


def register_cli(app: Flask) -> None:
    mail_group = AppGroup("mail", help=_l("The outgoing mail queue."))
    privacy_group = AppGroup("privacy", help=_l("Residents' data kept no longer than needed."))

    @mail_group.command("send-pending", help=_l("Send every due message in the queue; failures are retried later "
                                                "with back-off."))
    def send_pending_command():
        from ..services import mail

        if not mail.enabled():
            click.echo(gettext("mail: PORTAL_SMTP_HOST is not set; nothing sent"))
            return
        report = mail.send_pending()
        click.echo(gettext("mail: %(sent)s sent, %(failed)s failed, %(waiting)s waiting", sent=report.sent,
                           failed=report.failed, waiting=mail.unsent_count()))
        for error in report.errors[:5]:
            click.echo(f"  {error}", err=True)

    @privacy_group.command("purge", help=_l("Erase contacts of comments closed longer than "
                                           "PORTAL_CONTACT_RETENTION_DAYS, stale follow requests, old sent mails and expired staff drafts; "
                                           "mask comments again with the current rules."))
    def purge_command():
        from ..services.privacy import purge

        report = purge()
        click.echo(gettext("privacy: %(contacts)s contacts erased, %(unconfirmed)s unconfirmed follow requests "
                           "and %(mails)s old mails (sent, or given up on) deleted", contacts=report.contacts,
                           unconfirmed=report.unconfirmed, mails=report.sent_mails))
        click.echo(gettext("privacy: %(drafts)s expired staff drafts deleted", drafts=report.drafts))
        click.echo(ngettext("privacy: %(num)s comment masked again under the current masking rules",
                            "privacy: %(num)s comments masked again under the current masking rules",
                            report.remasked))

    app.cli.add_command(mail_group)
    app.cli.add_command(privacy_group)
