"""The app's stylesheet, with the parsed rules of each CSS source kept for the whole process.

Textual parses CSS per Stylesheet: every app instance parses app.tcss and every widget's
DEFAULT_CSS again, and each `refresh_css` (a theme set, a screen resumed after a CSS change: three
times in a sign-in) throws its parse cache away and parses every source once more. That was a
tenth of the CPU of starting the app and signing in. Parsed rules depend only on the CSS text,
where it was read from, its kind, tie-breaker and scope, and the CSS variables (the theme), so
here they are kept per process under exactly that key: a CSS file changed on disk has other text
and is parsed afresh, another theme has other variables. Textual already shares one parse's
RuleSets between its own Stylesheet objects (reparse, its per-sheet cache), so sharing them
between the app instances of one process reads them the same way.
"""

from __future__ import annotations

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

#: parsed sources kept per process (each app start reads about three hundred)
MAX_KEPT = 4096
_parsed: dict[tuple[object, ...], list[RuleSet]] = {}


class SharedStylesheet(Stylesheet):
    """A Stylesheet whose parsed sources are kept across instances (see the module)."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._variables_key = _freeze(self._variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = _freeze(self._variables)

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, self._variables_key)
        kept = _parsed.get(key)
        if kept is not None:
            return kept
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):  # a source with errors raises each time
            if len(_parsed) >= MAX_KEPT:
                _parsed.clear()
            _parsed[key] = rules
        return rules

    def reparse(self) -> None:
        """As Textual's reparse (a fresh sheet parses every source, so an error leaves this
        one whole), with the fresh sheet reading the kept sources."""
        fresh = SharedStylesheet(variables=self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(css, read_from=read_from, is_default_css=is_defaults,
                             tie_breaker=tie_breaker, scope=scope)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False

    def copy(self) -> SharedStylesheet:
        stylesheet = SharedStylesheet(variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet


def _freeze(variables: dict[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(variables.items())
