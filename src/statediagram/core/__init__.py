"""Qt-free core: the diagram model, the kind catalog, files and topology analysis."""

from .catalog import KINDS, Kind, PropSpec, Role, link_allowed, link_problem
from .fileio import (
    FILE_SUFFIX,
    DiagramError,
    Loaded,
    diagram_to_json,
    load_diagram,
    parse_diagram,
    save_diagram,
)
from .model import Diagram, Fault, Link, LinkKey, Node, ScenarioSpec, link_key
from .topology import Finding, Home, ServerHomes, design_findings, state_homes

__all__ = [
    "FILE_SUFFIX", "KINDS", "Diagram", "DiagramError", "Fault", "Finding", "Home", "Kind", "Link", "LinkKey",
    "Loaded", "Node", "PropSpec", "Role", "ScenarioSpec", "ServerHomes", "design_findings", "diagram_to_json",
    "link_allowed", "link_key", "link_problem", "load_diagram", "parse_diagram", "save_diagram", "state_homes",
]
