"""Sphinx configuration for the kcconf documentation (no network access needed)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

from kcconf import __version__  # noqa: E402

project = "kcconf"
author = "The kcconf developers"
copyright = "2026, the kcconf developers"
version = release = __version__
extensions = ["myst_parser", "kcconf_sphinx"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "alabaster"
myst_heading_anchors = 2
man_pages = [("index", "kcconf-docs", "kcconf documentation", [author], 7)]
man_make_section_directory = False
suppress_warnings = ["myst.header"]
