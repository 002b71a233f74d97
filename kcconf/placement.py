"""Which component a config file configures, and why: the one placement rule that
``kcconf validate``, ``kcconf lint`` and ``kcconf lint --list-files`` share.

Repositories name Kopano configs in many ways: ``server.cfg``, ``kopano-server.cfg``,
``zarafa-server.cfg``, templates (``server.cfg.j2``, ``server.cfg.erb``,
``server.cfg.mas``), copies (``server.cfg.example``, ``server.cfg.init``) and
e-smith/NethServer fragment directories (``templates/etc/kopano/server.cfg/10base``).
A name that still ends in ``.cfg`` once such suffixes are taken off looks like a config;
whether it can be placed is a second question, and one that is never answered by a
guess.
"""

from __future__ import annotations

import functools
import os

from . import schema
from .records import record

TEMPLATE_SUFFIXES: dict[str, str] = {
    ".j2": "a Jinja2 template", ".jinja": "a Jinja2 template", ".jinja2": "a Jinja2 template",
    ".erb": "an ERB template", ".epp": "a Puppet EPP template", ".mas": "a Mason template",
    ".tpl": "a Smarty-like template", ".tmpl": "a template",
}
"""Suffixes of templates rendered into the config; what they say is the template kind."""
COPY_SUFFIXES: dict[str, str] = {
    ".in": "an input for a build step", ".example": "an example copy",
    ".sample": "a sample copy", ".dist": "a distributed copy", ".orig": "an original copy",
    ".default": "a default copy", ".init": "an initial copy", ".template": "a template",
}
"""Suffixes of copies and build inputs that become the config under its plain name."""
PREFIXES = ("kopano-", "zarafa-")
NOT_CONFIG_DIRS = frozenset({"templates.metadata"})
"""Folders whose files are named after configs but describe them (e-smith keeps owner
and mode of each generated file there): not configs."""
FRAGMENT_SKIP_SUFFIXES = ("~", ".bak", ".orig", ".rpmnew", ".rpmsave", ".swp", ".dpkg-dist",
                          ".dpkg-old")


@record(frozen=True, slots=True)
class Placement:
    component: str | None
    why: str
    """How the component was told, or why it could not be: for --list-files and notes."""
    kind: str | None = None
    """What the file is besides a plain config: 'an ERB template', 'an example copy'."""


def split_name(name: str) -> tuple[str, list[str]]:
    """The config name a file stands for and the suffixes taken off to find it:
    ``server.cfg.example.j2`` -> (``server.cfg``, [``.j2``, ``.example``])."""
    base, taken = _split(os.path.basename(name).lower())
    return base, list(taken)


@functools.lru_cache(maxsize=1024)
def _split(base: str) -> tuple[str, tuple[str, ...]]:
    """``split_name`` of a lower-case base name (cached: a repository repeats a few
    names thousands of times)."""
    taken: list[str] = []
    while True:
        stem, dot, ext = base.rpartition(".")
        suffix = dot + ext
        if not stem or suffix == ".cfg" or (suffix not in TEMPLATE_SUFFIXES and
                                            suffix not in COPY_SUFFIXES):
            return base, tuple(taken)
        taken.append(suffix)
        base = stem


def looks_like_config(name: str) -> bool:
    """A Kopano config by its name: ``*.cfg``, or a template or copy of one."""
    return split_name(name)[0].endswith(".cfg")


def is_fragment_name(name: str) -> bool:
    """Whether a file in a fragment directory is one of its fragments (not a backup)."""
    return not name.startswith(".") and not name.endswith(FRAGMENT_SKIP_SUFFIXES)


def config_name(name: str) -> str:
    """The name of Kopano's file that ``name`` stands for: suffixes of templates and
    copies and the kopano-/zarafa- prefix taken off (``kopano-ldap.propmap.cfg.j2`` ->
    ``ldap.propmap.cfg``)."""
    base = split_name(name)[0]
    for prefix in PREFIXES:
        if base.startswith(prefix):
            base = base[len(prefix):]
    return base


def is_propmap_name(name: str, component: schema.Component) -> bool:
    """Whether a file of ``component`` is, by its name, one that !propmap reads."""
    return config_name(name) in component.propmap_files


@functools.lru_cache(maxsize=1024)
def component_by_name(name: str) -> str | None:
    """The component a config name stands for, or None (cached: a repository repeats
    the same few names thousands of times)."""
    base = config_name(name)
    for component, info in schema.components().items():
        if base == info["file"] or base in info.get("other_files", []) or \
                base in info.get("propmap_files", []):
            return component
    if base.startswith("ldap") and base.endswith(".cfg") and "propmap" not in base:
        # ldapms.active-directory.cfg, ldap.openldap.cfg and friends
        return "ldap"
    return None


def kind_of(name: str) -> str | None:
    """'an ERB template', 'an example copy' ... for the outermost suffix, or None."""
    taken = split_name(name)[1]
    if not taken:
        return None
    return TEMPLATE_SUFFIXES.get(taken[0]) or COPY_SUFFIXES.get(taken[0])


def place(path: str, *, given: str | None = None, hinted: str | None = None,
          mapped: tuple[str, str] | None = None, fragments: bool = False) -> Placement:
    """The component of ``path``, first of: ``given`` (--component), ``hinted`` (a
    ``# kcconf: component=`` line), ``mapped`` ((component, pattern) from the project
    settings), the file or fragment directory name."""
    name = os.path.basename(os.path.normpath(path))
    kind = "a fragment directory" if fragments else kind_of(name)
    if not given and not hinted and not mapped and any(d in path for d in NOT_CONFIG_DIRS) \
            and set(os.path.normpath(path).replace(os.sep, "/").split("/")[:-1]) & \
            NOT_CONFIG_DIRS:
        return Placement(None, "it lies in an e-smith templates.metadata folder, which"
                         " describes generated files rather than configuring anything", kind)
    if given:
        return Placement(given, "named with --component", kind)
    if hinted:
        return Placement(hinted, "named by its '# kcconf: component=' line", kind)
    if mapped:
        return Placement(mapped[0], f"mapped by the settings' path {mapped[1]!r}", kind)
    component = component_by_name(name)
    base = split_name(name)[0]
    if component is not None:
        if fragments:
            return Placement(component, f"by its name {name!r} (a fragment directory: its"
                             " files joined in name order)", kind)
        return Placement(component, f"by its name {name!r}" + (
            f" ({kind} of {base})" if kind else ""), kind)
    if base.endswith(".cfg"):
        return Placement(None, f"{base} is not the file of any Kopano component", kind)
    return Placement(None, "its name does not end in .cfg", kind)
