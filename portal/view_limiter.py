"""Flask-Limiter at work only on the views that declare a limit."""
from __future__ import annotations

from flask import Flask, after_this_request, request
from flask_limiter import Limiter


class ViewLimiter(Limiter):
    """Every limit of the portal is declared on its view (limiter.limit, limiter.shared_limit), and
    Flask-Limiter checks such a limit inside the decorated view. Its app-wide hooks serve default,
    application, blueprint and meta limits, which the portal has none of, yet they ran on every page view
    and search (about 30 µs each). So its before-request check and its teardown (which only clears state
    that dies with the request) are dropped, and its after-request hook (X-RateLimit-* and Retry-After
    headers, deduct_when) is added to a request only when its view checks a limit.
    A default or application limit would silently not apply: init_app refuses them, and
    tests/test_rate_limit_scope.py fails on those and on blueprint and meta limits."""

    def init_app(self, app: Flask) -> None:
        hook_lists = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
        counts = [len(hooks.get(None, ())) for hooks in hook_lists]
        super().init_app(app)
        added = [hooks.get(None, [])[count:] for hooks, count in zip(hook_lists, counts)]
        if not any(added):  # disabled by RATELIMIT_ENABLED, or bound to this app before
            return
        if self.limit_manager.default_limits or self.limit_manager.application_limits:
            raise RuntimeError("Only limits declared on views apply (portal/view_limiter.py): declare it there")
        for hooks, count in zip(hook_lists, counts):
            del hooks[None][count:]
        _, (self._answer_hook,), _ = added

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        # The decorated view calls this before it runs, so the hook also runs on the 429 answer when the
        # check raises. Once a request (kept in its environ: g may outlive it), like the app-wide hook.
        environ = request.environ
        if self.enabled and "portal.rate_limit_answer" not in environ:
            environ["portal.rate_limit_answer"] = after_this_request(self._answer_hook)
        super()._check_request_limit(callable_name, in_middleware)
