"""The desktop app's modules import each other in one direction only: no circles.

Every import is read from the source (top-level, inside functions and under ``TYPE_CHECKING`` alike), so a
circle cannot hide behind an import made late. A module that needs something of one that imports it is
handed it (a context object, a callback, a protocol it satisfies) instead of importing it back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import statediagram

PACKAGE = Path(statediagram.__file__).parent
GUI = "statediagram.gui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that the file at ``path`` imports, wherever in the file the import stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)  # ``from . import theme``
    return found & modules


def gui_import_graph() -> nx.DiGraph:
    files = sorted((PACKAGE / "gui").rglob("*.py"))
    modules = {module_name(f) for f in files}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for f in files:
        for target in imported_modules(f, modules):
            if target != module_name(f):
                graph.add_edge(module_name(f), target)
    return graph


def test_the_reader_sees_every_import_of_the_app():
    graph = gui_import_graph()
    # a few imports known to be there, of every form the reader must follow
    assert graph.has_edge(f"{GUI}.window", f"{GUI}.actions")  # from .actions import build_actions
    assert graph.has_edge(f"{GUI}.canvas.scene", f"{GUI}.theme")  # from .. import theme
    assert graph.has_edge(f"{GUI}.canvas.scene", f"{GUI}.canvas.gestures")
    assert graph.has_edge(f"{GUI}.window", f"{GUI}.simulation")  # imported late, inside a method
    assert len(graph) > 40


def test_no_module_of_the_app_imports_one_that_imports_it_back():
    circles = sorted(sorted(c) for c in nx.simple_cycles(gui_import_graph()))
    assert circles == [], "import circles among the gui modules: " + "; ".join(" <-> ".join(c) for c in circles)


def test_the_canvas_editor_and_files_stand_on_the_document_not_on_the_window():
    graph = gui_import_graph()
    for module in graph:
        if module.startswith((f"{GUI}.canvas", f"{GUI}.editing", f"{GUI}.files", f"{GUI}.document")):
            assert f"{GUI}.window" not in nx.descendants(graph, module), module
            assert f"{GUI}.actions" not in nx.descendants(graph, module), module
    assert not any(t.startswith(f"{GUI}.") and t != f"{GUI}.document" for t in graph.successors(f"{GUI}.document"))


def test_the_canvas_draws_without_knowing_the_editor_the_files_or_the_run():
    graph = gui_import_graph()
    above = (f"{GUI}.editing", f"{GUI}.files", f"{GUI}.simulation", f"{GUI}.window", f"{GUI}.actions")
    for module in graph:
        if module.startswith(f"{GUI}.canvas"):
            reached = [m for m in nx.descendants(graph, module) if m.startswith(above)]
            assert reached == [], f"{module} imports {reached}"


def test_no_part_of_the_window_is_found_by_its_name():
    """Parts are handed their places (the window's RunHost, the view's input router), never looked up by an
    object name or a title, which breaks silently when a title is reworded."""
    for path in sorted((PACKAGE / "gui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for lookup in ("findChild(", "findChildren(", "objectName() ==", ".text() == \"&"):
            assert lookup not in text, f"{path.relative_to(PACKAGE)} looks a part up by name: {lookup}"
