"""The reader rules of Kopano's two readers, each on a real file.

Expected values follow ../shared/reference/READER-RULES.md (observed by running
Kopano's own reader) and common/ECConfigImpl.cpp / kopano/config.py.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kcconf import dialect, loader
from kcconf.dialect import Flavour, Kind


def options(path, flavour=Flavour.CXX):
    doc = dialect.parse(path.read_bytes(), str(path), flavour)
    return [(e.name, e.value) for e in doc.entries if e.kind is Kind.OPTION]


def test_comment_only_with_hash_in_first_byte(write):
    path = write("server.cfg", "# log_level = 6\n  # log_level = 5\n\t#x\nlog_level = 3\n")
    assert options(path) == [("# log_level", "5"), ("log_level", "3")]


def test_no_inline_comments(write):
    path = write("server.cfg", "log_level = 3 # debug\n")
    assert options(path) == [("log_level", "3 # debug")]


def test_lines_without_equals_are_ignored(write):
    path = write("server.cfg", "[section]\nlog_level 6\nlog_level = 2\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert [e.kind for e in doc.entries] == [Kind.IGNORED, Kind.IGNORED, Kind.OPTION]


def test_split_at_first_equals_and_trim_only_space_tab_cr_lf(write):
    path = write("server.cfg", b" \tname = a = b \t\r\nx =\x0bv\x0b\n")
    assert options(path) == [("name", "a = b"), ("x", "\x0bv\x0b")]


def test_empty_name_is_ignored(write):
    path = write("server.cfg", " = value\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.entries[0].kind is Kind.IGNORED


def test_names_keep_case_and_inner_spaces(write):
    path = write("server.cfg", "Log Level = 3\n")
    assert options(path) == [("Log Level", "3")]


def test_positions_are_one_based_columns(write):
    path = write("server.cfg", "a=1\n   log_level   =   3\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    entry = doc.entries[1]
    assert (entry.line, entry.name_col, entry.value_col) == (2, 4, 20)


def test_line_longer_than_buffer_is_read_as_two_lines(write):
    # 4095 bytes fill the fgets buffer; what follows starts a new line.
    long_comment = b"#" + b"x" * 4094
    path = write("server.cfg", long_comment + b"log_level = 6\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert [e.kind for e in doc.entries] == [Kind.COMMENT, Kind.OPTION]
    assert doc.entries[1].chunk == 1 and doc.entries[1].line == 1
    assert options(path) == [("log_level", "6")]


def test_nul_byte_ends_the_line(write):
    path = write("server.cfg", b"log_level = 4\x00 trailing\nlog_file = -\n")
    assert options(path) == [("log_level", "4"), ("log_file", "-")]
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.entries[0].note == "nul"


def test_bom_is_part_of_the_first_name(write):
    path = write("server.cfg", b"\xef\xbb\xbflog_level = 3\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.bom
    assert options(path) == [("\ufefflog_level", "3")]


def test_bom_before_hash_is_not_a_comment(write):
    path = write("server.cfg", b"\xef\xbb\xbf# a = 1\n")
    assert options(path) == [("\ufeff# a", "1")]


def test_crlf_line_endings_are_trimmed_from_values(write):
    path = write("server.cfg", b"log_level = 3\r\nlog_file = -\r\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.crlf
    assert options(path) == [("log_level", "3"), ("log_file", "-")]


def test_last_line_without_newline_is_read(write):
    path = write("server.cfg", b"log_level = 3\nlog_file = -")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert not doc.final_newline
    assert options(path)[-1] == ("log_file", "-")


def test_empty_file_has_no_entries(write):
    path = write("server.cfg", b"")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.entries == [] and doc.to_bytes() == b""


def test_bytes_that_are_not_utf8_pass_through_and_are_located(write):
    path = write("server.cfg", b"a = 1\nserver_name = caf\xe9\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.utf8_error == (2, 18)
    value = [e for e in doc.entries if e.kind is Kind.OPTION][1].raw_value
    assert value == b"caf\xe9"


def test_every_byte_round_trips(write):
    data = (b"\xef\xbb\xbf# c\r\n  # x = 1\nlog_level = 3 # d\n!include a.cfg\n"
            b"bad\xff\x00bytes\n" + b"y" * 5000 + b"=1\nno newline")
    path = write("server.cfg", data)
    for flavour in Flavour:
        doc = dialect.parse(path.read_bytes(), str(path), flavour)
        assert doc.to_bytes() == data


def test_directive_name_runs_to_first_blank(write):
    path = write("server.cfg", "!include\tother.cfg  \n!include\n! include x\n!propmap  p.cfg\n")
    doc = dialect.parse(path.read_bytes(), str(path))
    seen = [(e.directive, e.argument) for e in doc.entries]
    assert seen == [("include", "other.cfg"), ("include\n", None), ("", "include x"),
                    ("propmap", "p.cfg")]


def test_bare_include_at_end_without_newline_is_flagged(write):
    path = write("server.cfg", "a = 1\n!include")
    doc = dialect.parse(path.read_bytes(), str(path))
    assert doc.entries[-1].note == "no-argument-at-eof"


# --- the Python reader (kopano.Config) ---------------------------------------------

def test_python_strips_before_hash_test(write):
    path = write("search.cfg", "  # index_path = /x\n\tlimit_results = 5\n")
    assert options(path, Flavour.PYTHON) == [("limit_results", "5")]


def test_python_has_no_directives(write):
    path = write("search.cfg", "!include other.cfg\n!x = 1\n")
    doc = dialect.parse(path.read_bytes(), str(path), Flavour.PYTHON)
    assert [e.kind for e in doc.entries] == [Kind.IGNORED, Kind.OPTION]
    assert doc.entries[1].name == "!x"


def test_python_universal_newlines(write):
    path = write("search.cfg", b"a = 1\r\nb = 2\rc = 3\n")
    assert options(path, Flavour.PYTHON) == [("a", "1"), ("b", "2"), ("c", "3")]


def test_python_strips_all_unicode_white_space(write):
    path = write("search.cfg", "a =\x0b1\xa0\n")
    assert options(path, Flavour.PYTHON) == [("a", "1")]


def test_python_keeps_bom_in_first_name(write):
    path = write("search.cfg", b"\xef\xbb\xbfa = 1\n")
    assert options(path, Flavour.PYTHON) == [("\ufeffa", "1")]


def test_python_value_keeps_hash(write):
    path = write("search.cfg", "limit_results = 5 # five\n")
    assert options(path, Flavour.PYTHON) == [("limit_results", "5 # five")]


# --- includes -----------------------------------------------------------------------

def names(loaded):
    return [(a.name, a.value) for a in loaded.assignments]


def test_include_is_relative_to_the_including_file(write, tmp_path, monkeypatch):
    write("conf/sub/extra.cfg", "log_level = 5\n")
    main = write("conf/server.cfg", "log_level = 1\n!include sub/extra.cfg\nlog_file = -\n")
    monkeypatch.chdir("/")
    loaded = loader.load(str(main), Flavour.CXX)
    assert names(loaded) == [("log_level", "1"), ("log_level", "5"), ("log_file", "-")]
    assert not loaded.diagnostics


def test_include_cycle_ends_and_each_file_is_read_once(write):
    a = write("a.cfg", "x = 1\n!include b.cfg\nx = 3\n")
    write("b.cfg", "y = 2\n!include a.cfg\n!include b.cfg\n")
    loaded = loader.load(str(a), Flavour.CXX)
    assert names(loaded) == [("x", "1"), ("y", "2"), ("x", "3")]
    assert [d.code for d in loaded.diagnostics] == ["KC112", "KC112"]


def test_missing_include_stops_reading_everything_after_it(write):
    a = write("a.cfg", "x = 1\n!include b.cfg\nx = 4\n")
    write("b.cfg", "y = 2\n!include nowhere.cfg\ny = 3\n")
    loaded = loader.load(str(a), Flavour.CXX)
    assert names(loaded) == [("x", "1"), ("y", "2")]
    assert [d.code for d in loaded.diagnostics] == ["KC110"]
    assert loaded.stopped_at[1] == 2


def test_include_of_a_directory_is_an_error(write, tmp_path):
    (tmp_path / "dir.cfg").mkdir()
    a = write("a.cfg", "!include dir.cfg\nx = 1\n")
    loaded = loader.load(str(a), Flavour.CXX)
    assert [d.code for d in loaded.diagnostics] == ["KC111"] and not loaded.assignments


def test_include_comment_becomes_part_of_the_file_name(write):
    write("b.cfg", "y = 2\n")
    a = write("a.cfg", "!include b.cfg # extra\n")
    loaded = loader.load(str(a), Flavour.CXX)
    assert loaded.diagnostics[0].code == "KC110"
    assert "b.cfg # extra" in loaded.diagnostics[0].message


def test_unknown_and_unsupported_directives_warn_and_reading_goes_on(write):
    a = write("a.cfg", "!exec rm\n!propmap p.cfg\n!include\nx = 1\n")
    loaded = loader.load(str(a), Flavour.CXX)
    assert [d.code for d in loaded.diagnostics] == ["KC113", "KC114", "KC113"]
    assert names(loaded) == [("x", "1")]


def test_propmap_is_relative_to_the_working_directory(write, tmp_path, monkeypatch):
    write("maps/p.cfg", "0x1234001E = cn\n")
    a = write("conf/ldap.cfg", "!propmap maps/p.cfg\n")
    monkeypatch.chdir(tmp_path)
    loaded = loader.load(str(a), Flavour.CXX, ("include", "propmap"))
    assert [(x.name, x.propmap) for x in loaded.assignments] == [("0x1234001E", True)]


def test_deep_include_chain_does_not_recurse(write):
    for i in range(1000):
        write(f"c{i}.cfg", f"o{i} = {i}\n!include c{i + 1}.cfg\n")
    write("c1000.cfg", "last = yes\n")
    loaded = loader.load(str(write("c0.cfg", "o0 = 0\n!include c1.cfg\n")), Flavour.CXX)
    assert len(loaded.assignments) == 1001 and not loaded.diagnostics


_LINES = st.lists(
    st.one_of(
        st.sampled_from([b"# c\n", b"  # x = 1\n", b"\n", b" \t\r\n", b"!include a.cfg\n",
                         b"!include\n", b"= 1\n", b"name\n", b"a=b=c\n", b"x" * 4100 + b"=1\n",
                         b"caf\xc3\xa9 = \xff\n", b"a = b\0c\n"]),
        st.text(alphabet=" \t\r=#!abc_1\xe9", max_size=30).map(lambda s: s.encode() + b"\n"),
        st.binary(max_size=30),
    ),
    max_size=12,
)


@given(_LINES)
def test_short_path_reads_every_line_like_the_general_reader(parts):
    lines = dialect.split_physical_lines(b"".join(parts))
    general = dialect._cxx_entries_general(lines)
    assert dialect._cxx_entries(lines) == general
    # Without comments: the same entries less those of blank lines and of comment lines
    # that leave no trace (a NUL or a cut at 4095 bytes is still reported).
    kept = [e for e in general if e.kind is not Kind.BLANK and
            (e.kind is not Kind.COMMENT or e.note or e.chunk or len(lines[e.line - 1]) > 4095)]
    assert dialect._cxx_entries(lines, comments=False) == kept
    assert dialect._cxx_entries(lines, False, b"".join(parts)) == kept


@given(st.lists(st.sampled_from([
    b"# c\n", b"  # x = 1\n", b"\n", b" \t\r\n", b"= 1\n", b"name\n", b"a=b=c\n", b"k=\n",
    b"k= \t\r\n", b"log_level = 3\r\n", b"  name  =  value  \n", b"\tk\t=\tv # c\n", b"a = b",
    b" = v\n", b"x" * 4094 + b"\n", b"x" * 4095 + b"\n", b"#" + b"y" * 5000 + b"\n",
    b"!include a.cfg\n", b"!include\n", b"!propmap", b"! x\n", b"caf\xc3\xa9=1\n",
    b"\xc3\xa9t\xc3\xa9 = \xe2\x82\xac \n", b"bad\xff = 1\n", b"a=\0\n"]), max_size=10))
def test_whole_file_path_reads_like_the_line_reader(parts):
    data = b"".join(parts)
    utf8_error = dialect.parse(data).utf8_error
    fast = dialect._plain_cxx_entries(data, utf8_error)
    if fast is not None:  # None: the file needs the line-by-line reader
        assert fast == dialect._cxx_entries(dialect.split_physical_lines(data), False, data)
    needs_lines = (utf8_error is not None or b"\0" in data or
                   any(len(line) >= 4095 for line in data.split(b"\n")))
    assert (fast is None) == needs_lines


@given(st.lists(st.one_of(_LINES.map(b"".join), st.sampled_from([
    b"# kcconf: disable=KC301\n", b"#kcconf:disable-file=KC1", b"  # kcconf: disable=KC2\n",
    b"# kcconf: x\0y\n", b"# kcconf:" + b"z" * 4100 + b"\n", b"a = 1 # kcconf: no\n"])),
    max_size=6))
def test_marked_comments_are_the_kcconf_comment_lines(parts):
    data = b"".join(parts)
    every = dialect.parse(data).entries
    lean = dialect.parse(data, comments=False).entries
    marked = dialect.parse(data, comments=False, marked_comments=True).entries
    assert marked == [e for e in every if e.kind is not Kind.BLANK and
                      (e.kind is not Kind.COMMENT or e in lean or "kcconf:" in e.text)]


@given(_LINES)
def test_python_reader_without_comments_keeps_the_rest(parts):
    data = b"".join(parts)
    every = dialect.parse(data, flavour=Flavour.PYTHON).entries
    lean = dialect.parse(data, flavour=Flavour.PYTHON, comments=False).entries
    assert lean == [e for e in every if e.kind not in (Kind.COMMENT, Kind.BLANK)]
