import os
import pickle

import pytest

import screener
from screener import Fold


def test_compile_from_text(db):
    assert db.entry_count == 3 == len(db)
    assert db.categories == ("test",)
    assert db.fold_flags == Fold.ALL
    assert len(db.fingerprint) == 32 and int(db.fingerprint, 16) >= 0
    e = db.entry(2)
    assert (e.term, e.category, e.severity, e.source, e.line) == ("sex", "test", 4, "test", 3)
    assert not e.allow and not e.word


def test_compile_from_files(tmp_path):
    p = tmp_path / "porn.txt"
    p.write_text("sex\tseverity=4\n# comment\nfuck\n", encoding="utf-8")
    q = tmp_path / "politics.dict"
    q.write_bytes("@category falun\n法轮功\n".encode())
    db = screener.compile(paths=[p, str(q)])
    assert {"porn", "falun"} <= set(db.categories)
    assert db.scan("FUCK").categories == ["porn"]
    assert db.scan("法轮功").categories == ["falun"]
    # single path, and mixing files with texts
    db2 = screener.compile(p, texts={"extra": "hello\n"})
    assert sorted(db2.scan("hello sex").categories) == ["extra", "porn"]
    assert db.entry(0).source.endswith("porn.txt")


def test_same_dictionary_same_fingerprint(tmp_path):
    a = screener.compile(texts={"x": "a1\nb2\n"})
    b = screener.compile(texts={"x": "a1\nb2\n"})
    assert a.fingerprint == b.fingerprint
    c = screener.compile(texts={"x": "a1\nb3\n"})
    assert a.fingerprint != c.fingerprint


def test_directives_allow_and_categories(db2):
    r = db2.scan("路口交通")
    assert r.action == "pass"
    assert r.matches and all(m.suppressed for m in r.matches)
    assert db2.scan("口交").action != "pass"
    r = db2.scan("六四 法轮功")
    assert r.severity == 4
    sev = {m.term: m.severity for m in r.matches}
    assert sev == {"六四": 4, "法轮功": 3}


def test_bad_dictionary_reports_file_and_line(tmp_path):
    with pytest.raises(screener.DictionaryError) as ei:
        screener.compile(texts={"mine": "ok\nfine\nbad\tseverity=9\n"})
    e = ei.value
    assert isinstance(e, screener.ScreenerError)
    assert e.status == screener.Status.E_DICT_SYNTAX and e.status == -4
    assert e.status_name == "SCREENER_E_DICT_SYNTAX"
    assert (e.file, e.line) == ("mine", 3)
    assert "mine:3:" in str(e)
    p = tmp_path / "broken.txt"
    p.write_text("a\n\tcategory=\n", encoding="utf-8")
    with pytest.raises(screener.DictionaryError) as ei:
        screener.compile(paths=[p])
    assert ei.value.file.endswith("broken.txt") and ei.value.line == 2


def test_empty_dictionary():
    with pytest.raises(screener.DictEmptyError):
        screener.compile(texts={"e": "# nothing\n"})
    with pytest.raises(ValueError):
        screener.compile()


def test_missing_file(tmp_path):
    with pytest.raises(screener.ScreenerIOError) as ei:
        screener.compile(paths=[tmp_path / "nope.txt"])
    assert "nope.txt" in str(ei.value)


def test_io_errors_are_oserrors(tmp_path):
    """ScreenerIOError is an OSError with errno set, and the matching OSError
    subclass: `except FileNotFoundError` catches a missing dictionary."""
    import errno
    import pickle
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError) as ei:
        screener.compile(paths=[missing])
    e = ei.value
    assert isinstance(e, screener.ScreenerIOError) and isinstance(e, OSError)
    assert e.errno == errno.ENOENT and e.filename == str(missing)
    assert e.status == screener.Status.E_IO
    with pytest.raises(FileNotFoundError):
        screener.Database.load(tmp_path / "missing.scdb")
    again = pickle.loads(pickle.dumps(e))
    assert isinstance(again, FileNotFoundError) and again.errno == errno.ENOENT
    assert again.message == e.message
    # a directory is no dictionary: an OSError still, with no errno to name
    with pytest.raises(OSError) as ei:
        screener.compile(paths=[tmp_path])
    assert isinstance(ei.value, screener.ScreenerIOError)


def test_fold_options():
    exact = screener.compile(texts={"t": "fuck\n"}, fold=Fold.NONE)
    assert exact.fold_flags == Fold.NONE
    assert exact.scan("fuck").action != "pass"
    assert exact.scan("ＦＵＣＫ").action == "pass"
    case = screener.compile(texts={"t": "fuck\n"}, fold="case")
    assert case.fold_flags == Fold.CASE
    assert case.scan("FUCK").action != "pass"
    assert case.scan("f u c k").action == "pass"
    assert screener.compile(texts={"t": "fuck\n"}, fold="all").fold_flags == Fold.ALL
    both = screener.compile(texts={"t": "fuck\n"}, fold=["case", "compat"])
    assert both.fold_flags == Fold.CASE | Fold.COMPAT
    assert both.scan("ＦＵＣＫ").action != "pass"
    with pytest.raises(ValueError):
        screener.compile(texts={"t": "x\n"}, fold="bogus")


def test_serialize_roundtrip(db, tmp_path):
    b = db.to_bytes()
    db2 = screener.Database.from_bytes(b)
    assert db2.fingerprint == db.fingerprint
    assert db2.scan("ｓｅｘ 法輪功") == db.scan("ｓｅｘ 法輪功")
    path = tmp_path / "x.scdb"
    db.save(path)
    db3 = screener.Database.load(str(path))
    assert db3.fingerprint == db.fingerprint and db3.categories == db.categories
    db4 = pickle.loads(pickle.dumps(db))
    assert db4.fingerprint == db.fingerprint
    assert screener.Database.from_bytes(bytearray(b)).fingerprint == db.fingerprint


def test_corrupted_bytes(db):
    b = bytearray(db.to_bytes())
    b[len(b) // 2] ^= 0x55
    with pytest.raises(screener.DatabaseError) as ei:
        screener.Database.from_bytes(bytes(b))
    assert ei.value.status == screener.Status.E_DB_CHECKSUM
    with pytest.raises(screener.DatabaseError):
        screener.Database.from_bytes(bytes(b[: len(b) // 3]))
    with pytest.raises(screener.DatabaseFormatError):
        screener.Database.from_bytes(b"not a database at all")
    with pytest.raises(screener.DatabaseError):
        screener.Database.from_bytes(b"")


def test_load_errors(tmp_path):
    with pytest.raises(screener.ScreenerIOError):
        screener.Database.load(tmp_path / "missing.scdb")
    p = tmp_path / "junk.scdb"
    p.write_bytes(os.urandom(4096))
    with pytest.raises(screener.DatabaseError) as ei:
        screener.Database.load(p)
    assert ei.value.file and "junk.scdb" in ei.value.file


def test_entry_lookup(db):
    with pytest.raises(IndexError):
        db.entry(3)
    with pytest.raises(IndexError):
        db.entry(-1)
    assert [db.entry(i).term for i in range(len(db))] == ["法轮功", "fuck", "sex"]


def test_database_cannot_be_constructed_directly():
    with pytest.raises(TypeError):
        screener.Database()


def test_fold_enum_matches_header():
    # Fold mirrors SCREENER_FOLD_*: a new family in screener.h must be added here.
    assert int(Fold.ALL) == screener._screener._FOLD_ALL
    assert Fold.ALL == sum(f for f in Fold if f not in (Fold.NONE, Fold.ALL))


def test_version():
    assert screener.library_version == screener.header_version
    assert screener.strerror(-4)


def test_error_pickles():
    try:
        screener.compile(texts={"mine": "bad\tseverity=9\n"})
    except screener.ScreenerError as e:
        e2 = pickle.loads(pickle.dumps(e))
        assert type(e2) is type(e)
        assert (e2.status, e2.message, e2.file, e2.line) == (e.status, e.message, e.file, e.line)
    else:  # pragma: no cover
        raise AssertionError("no error")


def test_fold_enum_matches_the_library_table():
    # Fold is a Python enum (constants); the library owns the list. Every
    # family must have a member with the same name and flag, and back.
    lib = {name: flag for name, flag, _ in screener.fold_families()}
    py = {name.lower(): int(f) for name, f in Fold.__members__.items()
          if name not in ("NONE", "ALL")}
    assert py == lib
    all_bits = 0
    for flag in lib.values():
        all_bits |= flag
    assert int(Fold.ALL) == all_bits == screener._screener._FOLD_ALL
    assert all(desc for _, _, desc in screener.fold_families())


def test_fold_names_are_parsed_by_the_library():
    for name, flag, _ in screener.fold_families():
        db = screener.compile(texts={"t": "fuck\n"}, fold=name)
        assert db.fold_flags == flag, name
    rep = screener.compile(texts={"t": "fuck\n"}, fold=" repeats , case ")
    assert rep.fold_flags == Fold.REPEATS | Fold.CASE
    assert rep.scan("FUUUUCK").action != "pass"
    with pytest.raises(screener.InvalidArgumentError) as ei:
        screener.compile(texts={"t": "x\n"}, fold="case,bogus")
    assert "`bogus`" in str(ei.value) and "repeats" in str(ei.value)
    with pytest.raises(ValueError):
        screener.compile(texts={"t": "x\n"}, fold=["case,compat"])
    with pytest.raises(ValueError):
        screener.compile(texts={"t": "x\n"}, fold="")


def test_detectors_come_from_the_library():
    names = screener.detectors()
    assert names[:3] == ["cn_mobile", "cn_id", "bank_card"] and "url" in names
    for name in names:
        db = screener.compile(texts={"p": "@category privacy\n@detect %s\n" % name})
        assert db.entry(0).term == name


def test_generated_form_has_a_reason():
    db = screener.compile(texts={"abuse": "@forms english\nfuck\tseverity=3\n"})
    r = db.scan("you fucks")
    assert len(r.matches) == 1
    e = db.entry(r.matches[0].entry_id)
    assert (e.term, e.severity, e.line, e.reason) == ("fucks", 3, 2, "inflection of fuck")
    assert [db.entry(i).reason for i in range(len(db)) if db.entry(i).term == "fuck"] == [None]
