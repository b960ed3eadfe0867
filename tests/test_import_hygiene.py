"""Imports point one way: ui, cli -> services -> rules, model, store. Only ui/ imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wealthtui"


def imports(path: Path, *, typed: bool = True) -> set[str]:
    """Every module name a file imports (absolute; relative imports resolved); `typed=False`
    leaves out those under `if TYPE_CHECKING:` (annotations only)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    skip: set[int] = set()
    if not typed:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    package = ".".join(("wealthtui", *path.relative_to(SRC).parent.parts))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules(*, under: str | None = None, outside: str | None = None) -> list[Path]:
    paths = sorted(SRC.rglob("*.py"))
    if under:
        paths = [p for p in paths if p.relative_to(SRC).parts[0] == under]
    if outside:
        paths = [p for p in paths if p.relative_to(SRC).parts[0] != outside]
    return paths


def is_in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_scan_sees_imports():
    assert any(is_in(n, "textual") for n in imports(SRC / "ui" / "app.py"))


def test_only_ui_imports_textual():
    offenders = [
        f"{p.relative_to(SRC)}: {n}"
        for p in modules(outside="ui") for n in imports(p) if is_in(n, "textual")
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", ["services", "rules", "model", "store", "reports"])
def test_lower_layers_do_not_import_ui_or_cli(layer: str):
    offenders = [
        f"{p.relative_to(SRC)}: {n}"
        for p in modules(under=layer) for n in imports(p)
        if is_in(n, "wealthtui.ui") or is_in(n, "wealthtui.cli")
    ]
    assert offenders == []


def test_rules_import_only_rules():
    offenders = [
        f"{p.relative_to(SRC)}: {n}"
        for p in modules(under="rules") for n in imports(p)
        if is_in(n, "wealthtui") and not is_in(n, "wealthtui.rules")
    ]
    assert offenders == []


def test_services_and_cli_load_without_textual():
    code = (
        "import sys, importlib, importlib.util\n"
        "import wealthtui.services\n"
        "if importlib.util.find_spec('wealthtui.cli') is not None:\n"
        "    importlib.import_module('wealthtui.cli')\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"textual loaded by services/cli: {result.stdout}"


def start_up_graph() -> dict[str, set[str]]:
    """Every import (at the top or inside a function) between launch, bootstrap and the cli
    package, as module -> the modules it imports."""
    graph: dict[str, set[str]] = {}
    for p in modules():
        rel = p.relative_to(SRC).with_suffix("")
        name = ".".join(("wealthtui", *rel.parts)).removesuffix(".__init__")
        graph[name] = {n for n in imports(p) if is_in(n, "wealthtui")}
    return graph


def test_only_the_console_script_imports_the_command_line():
    """launch -> bootstrap, cli -> bootstrap; nothing but launch (and the cli package itself)
    imports cli, and bootstrap imports neither (the cli <-> launch circle, issue 20)."""
    graph = start_up_graph()
    importers = sorted(m for m, deps in graph.items() if not is_in(m, "wealthtui.cli")
                       and any(is_in(d, "wealthtui.cli") for d in deps))
    assert importers == ["wealthtui.launch"]
    assert not any(is_in(d, "wealthtui.launch") for m, deps in graph.items() for d in deps
                   if m != "wealthtui.__main__")
    assert not any(is_in(d, "wealthtui.cli") or is_in(d, "wealthtui.launch")
                   for d in graph["wealthtui.bootstrap"])
    assert "wealthtui.bootstrap" in graph["wealthtui.launch"]


def test_the_start_up_modules_form_no_circle():
    graph = start_up_graph()
    nodes = {m for m in graph if m in ("wealthtui.launch", "wealthtui.bootstrap")
             or is_in(m, "wealthtui.cli")}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for dep in graph.get(todo.pop(), set()):
                target = max((n for n in nodes if is_in(dep, n)), key=len, default=None)
                if target is not None and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    # the package's modules import each other only downwards: common and shared, never __init__
    circles = sorted(m for m in nodes if m in reach(m))
    assert circles == []


#: inside ui/, arrows point down only: screens → widgets → dialogs → the foundation
UI_RANK = {"screens": 3, "widgets": 2, "dialogs": 1}
#: what ui/ may import from the rest of the program: the services (its only way to the store),
#: the pure rules, the catalogs and settings; and what it presents as it is — the procedures and
#: their citations (checklists), the reports' documents and renderers, the ticket printer
UI_MAY_IMPORT = ("wealthtui.ui", "wealthtui.services", "wealthtui.rules", "wealthtui.i18n",
                 "wealthtui.config", "wealthtui.procedures", "wealthtui.citations",
                 "wealthtui.reports", "wealthtui.devices")


def _ui_room(path: Path) -> str:
    parts = path.relative_to(SRC / "ui").parts
    return parts[0] if len(parts) > 1 else "foundation"


def test_no_arrow_runs_up_inside_ui():
    """A dialog never imports a widget or a screen, a widget never imports a screen, and the
    foundation (calls, text, labels, bindings, …) imports none of them; only ui/app.py, the top,
    takes screens and dialogs (docs/architecture.md)."""
    up = []
    for path in modules(under="ui"):
        room = _ui_room(path)
        if path.name == "app.py" and room == "foundation":
            continue
        mine = UI_RANK.get(room, 0)
        for name in imports(path, typed=False):
            if not is_in(name, "wealthtui.ui"):
                continue
            parts = name.split(".")
            target = parts[2] if len(parts) > 3 else "foundation"
            if target == "app" or (target in UI_RANK and UI_RANK[target] > mine):
                up.append(f"{path.relative_to(SRC)} → {name}")
    assert up == [], "\n".join(sorted(up))


def test_ui_imports_only_what_it_presents():
    """ui/ reaches the store only through the services: no store/ or demo/ import."""
    wrong = sorted({f"{p.relative_to(SRC)} → {n}" for p in modules(under="ui") for n in imports(p)
                    if is_in(n, "wealthtui") and not any(is_in(n, ok) for ok in UI_MAY_IMPORT)
                    and n != "wealthtui"})
    assert wrong == [], "\n".join(wrong)


def test_no_placeholder_raises_not_implemented():
    """A method a base leaves to its subclasses is a hook checked when the subclass is made
    (ui/hooks.py), never a body that raises NotImplementedError when first called."""
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None and "NotImplementedError" in {
                    n.id for n in ast.walk(node.exc) if isinstance(n, ast.Name)}:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def module_graph() -> dict[str, set[str]]:
    """Every module of the program -> the modules of the program it imports, at the top or
    inside a function (imports for type annotations only left out)."""
    names = {".".join(("wealthtui", *p.relative_to(SRC).with_suffix("").parts))
             .removesuffix(".__init__"): p for p in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        deps = set()
        for imported in imports(path, typed=False):
            target = imported
            while target and target not in names:  # `from pkg.mod import name` -> pkg.mod
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles a depth-first walk of `graph` meets, each as the path that closes it."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append([*path[path.index(dep):], dep])
            elif dep not in state:
                walk(dep, [*path, dep])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    return found


def test_the_import_graph_has_no_circle():
    """No module reaches itself through its imports (issue 20: cli <-> launch and
    dialogs/cm_file <-> screens/cm were circles)."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    graph = module_graph()
    assert "wealthtui.services.base" in graph["wealthtui.services.queue"]  # the scan sees them
    assert circles(graph) == []


#: the services' foundation: what every service is built on; it imports no workflow service
SERVICE_FOUNDATION = ("errors", "lean", "uow", "context", "base")


def test_no_arrow_runs_up_inside_services():
    """The foundation (errors, lean, uow, context, base) imports no workflow service, and no
    service imports the bundle that wires them (`Services`, services/__init__.py) but for
    annotations: a service gets its collaborators from it (docs/architecture.md)."""
    graph = module_graph()
    up = [f"{m} → {d}" for m in (f"wealthtui.services.{n}" for n in SERVICE_FOUNDATION)
          for d in graph[m] if is_in(d, "wealthtui.services")
          and d.rpartition(".")[2] not in SERVICE_FOUNDATION]
    bundle = [f"{p.relative_to(SRC)} → {n}" for p in modules(under="services")
              if p.name != "__init__.py" for n in imports(p, typed=False)
              if n in ("wealthtui.services.Services", "wealthtui.services.SERVICES")]
    assert up == [] and bundle == []
