"""kcconf.datafile: JSON data files read through a marshal copy that cannot go stale."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from kcconf import datafile

from .conftest import ROOT


@pytest.fixture
def writes_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def copy_of(path: Path) -> Path:
    return path.parent / "__pycache__" / f"{path.name}.{sys.implementation.cache_tag}.marshal"


def test_every_schema_reads_back_as_json_gives_it(tmp_path: Path, writes_copies: None) -> None:
    for source in [*sorted((ROOT / "schemas").glob("*.json")), ROOT / "kcconf" / "codes.json"]:
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes())
        expected = json.loads(source.read_text(encoding="utf-8"))
        assert datafile.load(str(path)) == expected  # parsed, and the copy written
        assert copy_of(path).is_file()
        again = datafile.load(str(path))  # from the copy
        assert again == expected and json.dumps(again) == json.dumps(expected)  # order too


def test_a_changed_file_is_parsed_again_even_with_its_old_size_and_time(
        tmp_path: Path, writes_copies: None) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"level": 1}', encoding="utf-8")
    assert datafile.load(str(path)) == {"level": 1}
    before = path.stat()
    path.write_text('{"level": 2}', encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same time
    assert datafile.load(str(path)) == {"level": 2}
    assert datafile.load(str(path)) == {"level": 2}  # the copy was renewed


@pytest.mark.parametrize("damage", [b"", b"kcconf json copy 1\n", b"garbage"])
def test_a_damaged_copy_is_ignored_and_replaced(tmp_path: Path, writes_copies: None,
                                                 damage: bytes) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"a": [1, 2.5, null, true, "\\u00e9"]}', encoding="utf-8")
    datafile.load(str(path))
    whole = copy_of(path).read_bytes()
    for broken in (damage, whole[:-3]):  # another kind, or cut short
        copy_of(path).write_bytes(broken)
        assert datafile.load(str(path)) == {"a": [1, 2.5, None, True, "é"]}
        assert copy_of(path).read_bytes() == whole


def test_no_copy_where_python_writes_no_bytecode(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "data.json"
    path.write_text("[1]", encoding="utf-8")
    assert datafile.load(str(path)) == [1]
    assert not (tmp_path / "__pycache__").exists()


def test_an_unwritable_cache_folder_only_costs_the_parse(tmp_path: Path,
                                                         writes_copies: None) -> None:
    (tmp_path / "__pycache__").write_text("a file where the folder would be")
    path = tmp_path / "data.json"
    path.write_text('{"b": 2}', encoding="utf-8")
    assert datafile.load(str(path)) == {"b": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["__pycache__", "data.json"]


@pytest.mark.parametrize(("content", "error"), [
    (b'{"a": ', json.JSONDecodeError), (b'{"a": "\xff"}', UnicodeDecodeError),
    (b'\xef\xbb\xbf{"a": 1}', json.JSONDecodeError),  # a byte order mark, as json.load
])
def test_broken_files_raise_what_json_load_raises(tmp_path: Path, writes_copies: None,
                                                  content: bytes, error: type) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(content)
    with pytest.raises(error), open(path, encoding="utf-8") as handle:
        json.load(handle)
    with pytest.raises(error):
        datafile.load(str(path))
    assert not copy_of(path).exists()


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        datafile.load(str(tmp_path / "absent.json"))
