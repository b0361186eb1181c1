"""Printable posters for a work point or a project site: the facts to print and the QR code.

Everything on a poster comes from the content files (title, plain summary, offices, deadline) or
from staff actions (status, site stage); nothing is made up for the poster. The QR code is drawn
here with segno as inline SVG, so printing needs no outside service.
"""
from __future__ import annotations

from dataclasses import dataclass

import segno
from flask import url_for
from markupsafe import Markup

from ..models import ProjectSite
from ..page_address import absolute_url  # PUBLIC_URL when set: staff may print from an internal host


def typed_address(url: str) -> str:
    """The address as a resident would type it: no scheme, no fragment."""
    return url.split("://", 1)[-1].split("#", 1)[0]


def qr_svg(url: str, label: str) -> Markup:
    # Error level M survives a crease or a smudge on a stairwell poster; border 4 is the standard quiet zone.
    svg = segno.make(url, error="m").svg_inline(scale=6, border=4, title=label, svgclass="qr",
                                                 lineclass=None, omitsize=True)
    # segno writes the markup itself from the URL's bits and escapes the title; nothing of the request
    # reaches it unescaped, so marking it safe is sound.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B704


@dataclass
class Poster:
    item: object
    site: ProjectSite | None
    url: str  # what the QR code encodes

    @property
    def address(self) -> str:
        return typed_address(self.url)

    def qr(self, label: str) -> Markup:
        return qr_svg(self.url, label)


def item_poster(item, lang: str) -> Poster:
    return Poster(item, None, absolute_url(url_for("public.item", lang=lang, plan=item.plan, code=item.code)))


def site_poster(item, site: ProjectSite, lang: str) -> Poster:
    # The comment form's anchor: a resident who scans in the stairwell lands where they can write.
    path = url_for("public.site", lang=lang, plan=item.plan, code=item.code, site_id=site.id, _anchor="feedback-form")
    return Poster(item, site, absolute_url(path))
