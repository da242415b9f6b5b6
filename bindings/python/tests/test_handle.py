import os
import weakref
import threading

import pytest

import screener


def test_mask(db):
    assert db.mask("ｓｅｘ 和 法 輪 功 ok") == "*** 和 ***** ok"
    assert db.mask(b"a fuck b", mask_char="#") == b"a #### b"
    assert db.mask("clean") == "clean"
    assert db.mask("") == ""
    assert db.mask("ＦＵＣＫ", all=True) == "****"
    with pytest.raises(ValueError):
        db.mask("x", mask_char="ab")
    # NUL would be read as "default" by the C library: refused, not replaced
    with pytest.raises(ValueError, match="NUL"):
        db.mask("a fuck", mask_char="\x00")


def test_info(db):
    info = db.info()
    assert info["fingerprint"] == db.fingerprint
    assert info["n_entries"] == len(db)
    assert info["n_categories"] == len(db.categories)
    assert info["serialized_size"] == len(db.to_bytes())
    assert info["library_version"] == screener.library_version_number
    # the fold table is stored packed (format 8) and unpacked at load
    assert 0 < info["fold_table_size"] < info["fold_table_unpacked_size"]


def test_result_carries_fingerprint(db):
    r = db.scan("fuck")
    assert r.fingerprint == db.fingerprint and r.db_version == 0


def test_handle_swap_load_compile(tmp_path):
    a = screener.compile(texts={"a": "alpha\n"})
    b = screener.compile(texts={"b": "beta\n"})
    h = screener.Handle(a)
    assert h.version == 1 and h.current.fingerprint == a.fingerprint
    assert h.current is h.current  # one object per version
    r = h.scan("alpha beta")
    assert [m.term for m in r.matches] == ["alpha"]
    assert (r.db_version, r.fingerprint) == (1, a.fingerprint)
    assert h.swap(b) == 2
    r2 = h.scan("alpha beta")
    assert [m.term for m in r2.matches] == ["beta"]
    assert (r2.db_version, r2.fingerprint) == (2, b.fingerprint)
    # results made before the swap still resolve against their own database
    assert [m.category for m in r.matches] == ["a"]
    path = tmp_path / "a.scdb"
    a.save(path)
    assert h.load(path) == 3 and h.current.fingerprint == a.fingerprint
    # failures keep the current database
    with pytest.raises(screener.ScreenerIOError):
        h.load(tmp_path / "missing.scdb")
    with pytest.raises(screener.DictionaryError):
        h.compile(texts={"bad": "x\tseverity=7\n"})
    assert h.version == 3 and h.current.fingerprint == a.fingerprint
    assert h.compile(texts={"c": "gamma\n"}) == 4
    assert [m.term for m in h.scan_batch(["gamma"])[0].matches] == ["gamma"]
    assert h.mask("gamma ray") == "***** ray"
    with pytest.raises(TypeError):
        h.swap("not a db")


def test_handle_reload_under_concurrent_scans():
    dbs = [screener.compile(texts={"v%d" % i: "word%d\ncommon\n" % i}) for i in range(3)]
    by_fp = {d.fingerprint: i for i, d in enumerate(dbs)}
    h = screener.Handle(dbs[0])
    msgs = ["common word0 word1 word2 %d" % i for i in range(50)]
    stop = threading.Event()
    errors = []

    def scanner():
        try:
            while not stop.is_set():
                for r in h.scan_batch(msgs) + [h.scan(msgs[0])]:
                    i = by_fp[r.fingerprint]
                    terms = sorted(m.term for m in r.matches)
                    if terms != sorted(["common", "word%d" % i]) or r.categories != ["v%d" % i]:
                        errors.append((r.db_version, terms))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=scanner) for _ in range(4)]
    for t in threads:
        t.start()
    for k in range(60):
        h.swap(dbs[k % 3])
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert h.version == 61


def _keygen(tmp_path, name):
    """A key pair made by the CLI next to the library (the binding loads keys,
    it does not make them)."""
    import shutil, subprocess
    exe = os.path.join(os.environ.get("SCREENER_BUILD_DIR", ""), "screener")
    if not os.path.exists(exe):
        exe = shutil.which("screener")
    if not exe:
        pytest.skip("screener CLI not found (set SCREENER_BUILD_DIR)")
    sec, pub = tmp_path / (name + ".sec"), tmp_path / (name + ".pub")
    subprocess.run([exe, "keygen", str(sec), str(pub)], check=True, capture_output=True)
    return exe, sec, pub


def test_signed_load_with_trusted_keys(tmp_path):
    import subprocess
    exe, sec, pub = _keygen(tmp_path, "k")
    _, _, other = _keygen(tmp_path, "o")
    d = tmp_path / "d.txt"
    d.write_text("foo\n", encoding="utf-8")
    signed, plain = tmp_path / "s.scdb", tmp_path / "p.scdb"
    subprocess.run([exe, "compile", "--sign", str(sec), "--dict", str(d), "-o", str(signed)],
                   check=True)
    subprocess.run([exe, "compile", "--dict", str(d), "-o", str(plain)], check=True)
    db = screener.Database.load(signed, trusted_keys=[pub])
    assert db.info()["signature"] == "verified"
    assert db.scan("a foo").matches
    assert screener.Database.load(signed).info()["signature"] == "unverified"
    assert screener.Database.load(plain).info()["signature"] == "none"
    with pytest.raises(screener.DatabaseSignatureError, match="not a trusted key"):
        screener.Database.load(signed, trusted_keys=[other])
    with pytest.raises(screener.DatabaseSignatureError, match="no signature"):
        screener.Database.load(plain, trusted_keys=[pub])
    with pytest.raises(screener.InvalidArgumentError, match="SECRET key"):
        screener.Database.load(signed, trusted_keys=[sec])
    with pytest.raises(TypeError):
        screener.Database.load(signed, trusted_keys=str(pub))
    h = screener.Handle(screener.Database.load(plain))
    with pytest.raises(screener.DatabaseSignatureError):
        h.load(plain, trusted_keys=[pub])
    assert h.version == 1
    assert h.load(signed, trusted_keys=[other, pub]) == 2


def test_handle_threads_with_load_and_compile(tmp_path):
    """Scans in 4 threads while the main thread reloads through every route
    (compile, load, swap): each result is consistent with the version it
    names, versions never go back within a thread, and old versions are let
    go."""
    files = []
    for i in range(3):
        d = screener.compile(words=["word%d" % i, "common"], category="v%d" % i)
        p = tmp_path / ("v%d.scdb" % i)
        d.save(p)
        files.append((p, d))
    h = screener.Handle(files[0][1])
    fp_of_version = {1: files[0][1].fingerprint}
    msgs = ["common word0 word1 word2 %d" % i for i in range(40)]
    stop = threading.Event()
    seen, errors = [], []

    def scanner():
        last = 0
        try:
            while not stop.is_set():
                for r in h.scan_batch(msgs) + [h.scan(msgs[0])]:
                    i = int(r.categories[0][1:])
                    if sorted(m.term for m in r) != sorted(["common", "word%d" % i]):
                        errors.append(("terms", r.db_version, r))
                    if r.db_version < last:
                        errors.append(("went back", last, r.db_version))
                    last = r.db_version
                    seen.append((r.db_version, r.fingerprint))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=scanner) for _ in range(4)]
    for t in threads:
        t.start()
    for k in range(12):
        path, d = files[k % 3]
        if k % 3 == 0:
            v = h.compile(words=["word%d" % (k % 3), "common"], category="v%d" % (k % 3))
        elif k % 3 == 1:
            v = h.load(path)
        else:
            v = h.swap(d)
        fp_of_version[v] = d.fingerprint
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert h.version == 13 and sorted(fp_of_version) == list(range(1, 14))
    assert len(seen) > 0
    assert all(fp_of_version[v] == fp for v, fp in seen)


def test_old_versions_are_released():
    h = screener.Handle(screener.compile(words=["alpha"]))
    first = weakref.ref(h.current)
    r = h.scan("alpha")
    h.compile(words=["beta"])
    assert first() is not None  # the pending Result still uses version 1
    assert [m.term for m in r.matches] == ["alpha"] and r.db_version == 1
    del r
    assert first() is None  # nothing uses version 1 any more: its pin is released


def test_results_and_current_outlive_the_handle():
    h = screener.Handle(screener.compile(words=["alpha"]))
    r = h.scan("an alpha")
    cur = h.current
    del h
    assert [m.term for m in r.matches] == ["alpha"]
    assert [m.term for m in cur.scan("alpha")] == ["alpha"]
    assert cur.scan("alpha").db_version == 1


def test_handle_errors(tmp_path):
    h = screener.Handle(screener.compile(words=["alpha"]))
    with pytest.raises(FileNotFoundError):
        h.load(tmp_path / "missing.scdb")
    bad = tmp_path / "bad.scdb"
    bad.write_bytes(b"not a database")
    with pytest.raises(screener.DatabaseError):
        h.load(bad)
    with pytest.raises(TypeError):
        h.load(5)
    with pytest.raises(TypeError):
        screener.Handle("db")
    with pytest.raises(TypeError):
        screener.Handle()
    assert h.version == 1 and [m.term for m in h.scan("alpha")] == ["alpha"]
