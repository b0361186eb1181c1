"""Templates hold their globals in a plain dict (portal/jinja_environment.py): a global registered after a
template has loaded would be missing from it, so every global must be registered while create_app runs."""
from __future__ import annotations

from public_pages import public_pages, seed


def _missing(app) -> dict[str, set[str]]:
    env = app.jinja_env
    return {name: missing for name in env.list_templates()
            if (missing := set(env.globals) - set(env.get_template(name).globals))}


def test_every_template_sees_every_global_after_serving_pages(app, client):
    for page in public_pages(app, seed(app)):
        assert client.get(page.path).status_code in (200, 404), page.path
    client.get("/zh/no-such-page")
    client.get("/staff/login")
    assert _missing(app) == {}


def test_a_global_added_once_templates_are_loaded_is_caught(app):
    app.jinja_env.get_template("base.html")
    app.jinja_env.globals["late_helper"] = len
    assert "base.html" in _missing(app)


def test_a_template_of_its_own_globals_leaves_the_environment_alone(app):
    template = app.jinja_env.from_string("{{ only_here }}", globals={"only_here": "x"})
    assert template.render() == "x"
    assert "only_here" not in app.jinja_env.globals
    assert app.jinja_env.from_string("{{ only_here is defined }}").render() == "False"
