"""Sphinx configuration for the kcconf documentation.

Builds offline: no intersphinx, no remote images, no theme downloads. The option
reference comes from the schemas through ``_ext/kcconf_sphinx.py``. The installed man
pages (man/man5, man/man1) are written by ``kcconf generate``, not by Sphinx; the man
builder here makes one page of the whole manual.
"""

import importlib.util
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

extensions = ["kcconf_sphinx"]
source_suffix = {".rst": "restructuredtext"}
# Pages contributed in Markdown are read when myst-parser (docs extra) is installed.
if importlib.util.find_spec("myst_parser") is not None:
    extensions.append("myst_parser")
    source_suffix[".md"] = "markdown"
    myst_heading_anchors = 2
    suppress_warnings = ["myst.header"]

root_doc = "index"
# Smart quotes would turn the -- of option names into dashes outside literals.
smartquotes = False
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "alabaster"
html_static_path: list[str] = []

# Section directories (man5/...) default to False in Sphinx's code but are documented as
# True; say which one we mean.
man_make_section_directory = False
man_show_urls = False
man_pages = [
    ("index", "kcconf-manual", "the kcconf manual: checking and documenting Kopano"
     " configuration files", [author], 7),
]
