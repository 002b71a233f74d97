"""The compact per-line storage (dialect.Entries, loader.Assignments, loader.Picked)
reads as the lists it replaces, and keeps no object per repeated line."""

from __future__ import annotations

import pytest

from kcconf import dialect, effective, loader, schema
from kcconf.dialect import Flavour


@pytest.fixture(autouse=True)
def always_compact(monkeypatch):
    """Small files are unpacked into lists (loader.COMPACT_FROM): these tests look at the
    compact form itself, so every load here keeps it."""
    monkeypatch.setattr(loader, "COMPACT_FROM", 0)


def _load(tmp_path, text: bytes) -> loader.Loaded:
    path = tmp_path / "server.cfg"
    path.write_bytes(text)
    return loader.load(str(path), Flavour.CXX)


def test_repeated_lines_share_their_fields_and_read_as_entries(tmp_path):
    data = b"a=\n" * 500 + b"# kcconf: disable=KC201\nb = 1\n" + b"a=\n" * 500 + b"c="
    doc = loader.load(str(tmp_path / "x.cfg"), Flavour.CXX, data=data).root
    assert isinstance(doc.entries, dialect.Entries)
    fields = {id(item) for item in doc.entries._items if type(item) is tuple}
    assert len(fields) == 3  # 'a=' (shared by 1,000 lines), 'b = 1', the last 'c='
    general = dialect.parse(data, comments=False, marked_comments=True)
    assert list(doc.entries) == [e for e in dialect.parse(data).entries
                                 if e.kind is not dialect.Kind.BLANK]
    assert doc.entries == general.entries
    assert doc.entries[-1].value_col == 3  # no newline after the last blank value
    assert doc.entries[500].kind is dialect.Kind.COMMENT  # the suppression comment


def test_assignments_are_made_on_demand_with_their_place(tmp_path):
    (tmp_path / "inc.cfg").write_bytes(b"log_level = 2\n")
    loaded = _load(tmp_path, b"a=\n!include inc.cfg\nlog_level = 3\na=\n")
    every = loaded.assignments
    assert isinstance(every, loader.Assignments) and len(every) == 4
    assert [(a.name, a.value, a.index, a.file.endswith("inc.cfg")) for a in every] == [
        ("a", "", 0, False), ("log_level", "2", 1, True), ("log_level", "3", 2, False),
        ("a", "", 3, False)]
    assert every[-1] == every[3] and every[1:3] == list(every)[1:3]
    assert every.names() == {"a", "log_level"}
    component = schema.load("server")
    state = effective.build(loaded, component, schema.resolve_release(None), {})
    assert isinstance(state.unknown, loader.Picked)
    assert [a.index for a in state.unknown] == [0, 3]
    writes = state.settings["log_level"].assignments
    assert [a.value for a in writes] == ["2", "3"]
    assert state.settings["log_level"].value == "3"


def test_a_file_without_assignments(tmp_path):
    """Bug: the runs of an empty Assignments did not line up (a ValueError from zip)."""
    loaded = _load(tmp_path, b"# nothing\n")
    assert list(loaded.assignments) == [] and loaded.assignments.names() == set()


def test_small_loads_are_lists_and_large_ones_compact_with_the_same_verdicts(
        tmp_path, monkeypatch):
    """Unpacking a small load changes how it is held, never what is found."""
    from kcconf.validate import run

    text = (b"log_level = 3\nlog_levle = 2\n# kcconf: disable=KC303\n"
            b"log_method = file # x\naudit_log_enabled = off\nlog_level = 010\n"
            b"!include inc.cfg\nserver_name = a\n")
    (tmp_path / "inc.cfg").write_bytes(b"server_name = b\nthreads = 0\n")
    path = tmp_path / "server.cfg"
    path.write_bytes(text)

    def found():
        result = run(str(path), environ={})
        return result, [(d.file, d.line, d.col, d.code, d.message, d.fixes)
                        for d in result.diagnostics]

    compact, compact_found = found()
    assert isinstance(compact.loaded.assignments, loader.Assignments)
    monkeypatch.undo()  # the default: a file this small is unpacked
    small, small_found = found()
    assert type(small.loaded.assignments) is list
    assert all(type(doc.entries) is list for doc in small.loaded.documents)
    assert small_found == compact_found and len(small_found) >= 5


def test_an_unknown_name_set_on_many_lines_is_reported_on_each_with_its_own_place(
        tmp_path, monkeypatch):
    """names.check repeats the first finding of an unknown name for its later lines
    (a large file may set one millions of times); a finding with a fix is made for each
    line, since the fix edits that line."""
    from kcconf.validate import run

    path = tmp_path / "server.cfg"
    path.write_bytes(b"server_name = x\n" + b"a=\n" * 3 + b"log_levle = 1\nlog_levle = 2\n")
    for compact in (True, False):
        if compact:
            monkeypatch.setattr(loader, "COMPACT_FROM", 0)
        else:
            monkeypatch.undo()
        found = [d for d in run(str(path), environ={}).diagnostics if d.code == "KC201"]
        assert [(d.line, d.col, d.option) for d in found] == [
            (2, 1, "a"), (3, 1, "a"), (4, 1, "a"), (5, 1, "log_levle"), (6, 1, "log_levle")]
        assert len({d.message for d in found[:3]}) == 1 and not found[0].fixes
        lines = [f.edits[0].start for d in found[3:] for f in d.fixes]
        assert len(lines) == 2 and lines[0] != lines[1]
