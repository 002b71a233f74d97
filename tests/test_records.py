"""kcconf.records: the dataclass subset kcconf uses, without importing dataclasses."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from kcconf.records import FrozenRecordError, asdict, field, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)


@record(frozen=True)
class Key:
    name: str
    series: str = "11.0"


@record
class Derived:
    text: str
    length: int = 0

    def __post_init__(self) -> None:
        self.length = len(self.text)


def test_fields_defaults_and_factories() -> None:
    a, b = Point(1), Point(2, 3)
    assert (a.x, a.y, b.x, b.y) == (1, 0, 2, 3)
    a.tags.append("t")
    assert b.tags == [] and Point(x=1).tags == []  # a fresh list for each record
    assert Point(1, 2, ["a"]) == Point(1, 2, ["a"]) and Point(1) != Point(2)
    assert repr(Point(1)) == "Point(x=1, y=0, tags=[])"
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_slots_leave_no_instance_dict() -> None:
    assert Point.__slots__ == ("x", "y", "tags")
    with pytest.raises(AttributeError):
        Point(1).z = 3  # type: ignore[attr-defined]


def test_frozen_records_hash_and_refuse_assignment() -> None:
    key = Key("log_level")
    assert {key: 1}[Key("log_level", "11.0")] == 1
    with pytest.raises(FrozenRecordError):
        key.name = "other"  # type: ignore[misc]
    assert replace(key, series="8.7") == Key("log_level", "8.7")


def test_post_init_runs() -> None:
    assert Derived("abc").length == 3


def test_pickle_round_trip_for_worker_processes() -> None:
    for value in (Point(1, 2, ["a"]), Key("x", "9.0")):
        assert pickle.loads(pickle.dumps(value)) == value


def test_asdict_recurses() -> None:
    assert asdict([Point(1), {"k": Key("a")}]) == [
        {"x": 1, "y": 0, "tags": []}, {"k": {"name": "a", "series": "11.0"}}]


def test_validate_does_not_import_heavy_modules() -> None:
    """Start-up: what `kcconf validate` of one file imports stays lean (speed itself is
    measured in benchmarks/, not here)."""
    code = ("import sys; from kcconf.cli import main; "
            "sys.argv = ['kcconf', 'validate', '-q', 'etc/kopano/server.cfg']\n"
            "try:\n    main()\nfinally:\n"
            "    print(' '.join(sorted(m for m in ('dataclasses', 'inspect', 'typing', 'pathlib',"
            " 'difflib', 'jsonschema', 'docutils') if m in sys.modules)))")
    from .conftest import ROOT

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_init_is_compiled_on_first_use_with_its_real_signature() -> None:
    """A record's __init__ is compiled when the first one is made (most records are
    never made in a run); from then on it is the real one, with the fields as parameters."""

    @record(frozen=True)
    class Late:
        name: str
        size: int = 1
        parts: list[str] = field(default_factory=list)

    assert Late.__init__.__code__.co_varnames[:2] == ("self", "args")  # not compiled yet
    with pytest.raises(TypeError, match=r"Late.__init__\(\) missing 1 required positional"):
        Late()  # type: ignore[call-arg]
    assert Late.__init__.__code__.co_varnames[:4] == ("self", "name", "size", "parts")
    assert Late.__init__.__qualname__.endswith("Late.__init__")
    assert Late("a") == Late("a", 1, []) and Late("b", size=2).size == 2
    with pytest.raises(FrozenRecordError):
        Late("a").name = "b"  # type: ignore[misc]


@pytest.fixture
def store_in(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The compiled-__init__ store of kcconf.records in a folder of the test's own."""
    import kcconf.records as records

    path = tmp_path / "__pycache__" / "records.inits"
    monkeypatch.setattr(records, "_store_path", lambda: str(path))
    monkeypatch.setattr(records, "_store", None)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return path


def _make_class(frozen: bool):
    @record(frozen=frozen)
    class Stored:
        name: str
        parts: list[str] = field(default_factory=list)
        size: int = 7

    return Stored


def test_compiled_inits_are_kept_and_read_back(store_in, monkeypatch) -> None:
    import kcconf.records as records

    assert _make_class(False)("a").size == 7
    assert store_in.is_file()
    stored = store_in.read_bytes()
    monkeypatch.setattr(records, "_store", None)  # as a new process would start
    compiled = []
    monkeypatch.setattr(records, "compile", lambda *a: compiled.append(a) or compile(*a),
                        raising=False)
    again = _make_class(False)("b", ["x"])
    assert (again.name, again.parts, again.size, compiled) == ("b", ["x"], 7, [])
    assert store_in.read_bytes() == stored  # nothing new to keep
    frozen = _make_class(True)("c")  # another source: compiled and added
    assert len(compiled) == 1 and frozen.parts == []
    with pytest.raises(FrozenRecordError):
        frozen.name = "d"


@pytest.mark.parametrize("damage", [b"", b"kcconf compiled records 1 other python\n", None])
def test_a_damaged_or_foreign_store_is_ignored(store_in, monkeypatch, damage) -> None:
    import kcconf.records as records

    _make_class(False)("a")
    good = store_in.read_bytes()
    store_in.write_bytes(good[:-5] if damage is None else damage)
    monkeypatch.setattr(records, "_store", None)
    assert _make_class(False)("b").size == 7
    assert store_in.read_bytes() == good


def test_no_store_where_python_writes_no_bytecode(store_in, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _make_class(False)("a").name == "a"
    assert not store_in.exists()
