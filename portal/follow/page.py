"""What every page needs from this area: the feed and follow form of the thing a page is about, and
the operator lines of the footer (only those configured)."""
from __future__ import annotations

from flask import current_app, g, request, url_for

from ..services import mail

# page endpoint -> (kind, feed endpoint, key from the page's URL values)
FOLLOWABLE = {
    "public.item": ("item", "public.item_feed", lambda a: f"{_plan()}/{a['code']}"),
    "public.site": ("site", "public.site_feed", lambda a: str(a["site_id"])),
    "public.place": ("place", "public.place_feed", lambda a: a["slug"]),
    "public.office": ("office", "public.office_feed", lambda a: a["slug"]),
    "public.area": ("area", "public.area_feed", lambda a: str(a["number"])),
}
MAIL_KINDS = frozenset({"item", "site", "place"})


def _plan() -> str:
    from ..services.content import content

    return content().plan.slug


def page_follow() -> dict | None:
    """The current page's feed link, and whether it offers the follow-by-e-mail form."""
    found = FOLLOWABLE.get(request.endpoint or "")
    if found is None or not g.get("lang") or request.view_args is None:
        return None
    kind, feed_endpoint, key = found
    args = {k: v for k, v in request.view_args.items() if k != "lang"}
    return {"kind": kind, "key": key(args), "feed": url_for(feed_endpoint, lang=g.lang, **args),
            "mail": kind in MAIL_KINDS and mail.enabled()}


def footer_codes() -> dict[str, str]:
    cfg = current_app.config
    return {name: cfg.get(name, "") for name in ("SITE_OPERATOR", "GOV_SITE_CODE", "ICP_FILING", "PSB_FILING")
            if cfg.get(name)}


def follow_globals() -> dict:
    """Template globals (the same functions for every page)."""
    from ..services import follow

    return {"page_follow": page_follow, "footer_codes": footer_codes, "mail_enabled": mail.enabled,
            "follow_counts": follow.counts, "mail_waiting": mail.unsent_count}
