"""Flask's Jinja environment, with each template's globals held in a plain dict.

Jinja (3.0 and later) keeps a template's globals as a `ChainMap` over the environment's, and every
render copies that mapping into the new context key by key, then walks it again for the names of the
globals (`jinja2.runtime.new_context`, `Context.__init__`): with the portal's fifty-odd globals that
was 17 µs a render in a hot loop against 0.6 µs from a dict, paid by every page, every error page and
every part rendered apart (pallets/jinja#2185 proposes the same flattening upstream). A dict copy
keeps what the ChainMap was for: a template's own globals never change the environment's.

What it costs: a global added to the environment after a template has loaded is not seen by that
template. Every global is registered while `create_app` runs, before any template loads;
tests/test_template_globals.py fails if a page's template lacks one of them.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class FlatGlobalsEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
