import threading

import pytest

import screener


def spans(res):
    return [(m.start, m.end, m.term) for m in res.matches]


def test_plain_and_pass(db):
    r = db.scan("this is fine")
    assert (r.action, r.severity, r.categories, r.matches) == ("pass", 0, [], [])
    assert not r.flagged
    r = db.scan("oh fuck")
    assert r.action in ("review", "mask", "block") and r.flagged
    assert r.categories == ["test"]
    [m] = r.matches
    assert (m.start, m.end, m.term, m.text, m.category) == (3, 7, "fuck", "fuck", "test")
    assert isinstance(m.severity, int) and not m.suppressed


@pytest.mark.parametrize("text,term,span", [
    ("ＦＵＣＫ", "fuck", "ＦＵＣＫ"),          # full-width
    ("FuCk", "fuck", "FuCk"),                    # case
    ("法 轮 功", "法轮功", "法 轮 功"),          # spaced
    ("法輪功", "法轮功", "法輪功"),              # traditional
    ("法\u200b轮\u200d功", "法轮功", "法\u200b轮\u200d功"),  # zero-width
    ("f.u.c.k", "fuck", "f.u.c.k"),              # punctuation noise
    ("ⓕⓤⓒⓚ", "fuck", "ⓕⓤⓒⓚ"),                  # circled letters
    ("ѕех", "sex", "ѕех"),                       # Cyrillic homoglyphs
])
def test_disguised_terms(db, text, term, span):
    msg = "前缀 " + text + " suffix"
    r = db.scan(msg)
    assert [m.term for m in r.matches] == [term]
    m = r.matches[0]
    assert m.text == span
    assert msg[m.start:m.end] == span


def test_str_vs_bytes_offsets(db):
    s = "ｓｅｘ 法輪功"
    b = s.encode("utf-8")
    rs, rb = db.scan(s), db.scan(b)
    assert spans(rs) == [(0, 3, "sex"), (4, 7, "法轮功")]
    assert spans(rb) == [(0, 9, "sex"), (10, 19, "法轮功")]
    assert [m.text for m in rs.matches] == ["ｓｅｘ", "法輪功"]
    assert [m.text for m in rb.matches] == [s[0:3].encode(), s[4:7].encode()]
    assert rs.action == rb.action == "block" and rs.severity == rb.severity == 4
    # memoryview / bytearray behave like bytes
    assert spans(db.scan(bytearray(b))) == spans(rb)
    assert spans(db.scan(memoryview(b))) == spans(rb)


def test_offsets_with_astral_characters(db):
    s = "😀😀 sex 😀 法轮功"
    r = db.scan(s)
    for m in r.matches:
        assert s[m.start:m.end] == m.text
    assert [m.term for m in r.matches] == ["sex", "法轮功"]


def test_invalid_utf8(db):
    r = db.scan(b"\xff\xfefuck\xc3\x28\xe6\xb3")
    assert spans(r) == [(2, 6, "fuck")]
    # an invalid byte never joins the characters around it into a match
    assert db.scan(b"fu\xffck").action == "pass"
    assert db.scan(b"\x80" * 1000).action == "pass"


def test_lone_surrogate_str(db):
    r = db.scan("\ud800 sex \udfff")
    assert [m.term for m in r.matches] == ["sex"]
    m = r.matches[0]
    assert (m.start, m.end) == (2, 5)


def test_empty_input(db):
    for empty in ("", b"", bytearray(), memoryview(b"")):
        r = db.scan(empty)
        assert (r.action, r.severity, r.matches, r.categories) == ("pass", 0, [], [])


def test_nul_bytes(db):
    r = db.scan(b"\x00\x00sex\x00")
    assert spans(r) == [(2, 5, "sex")]
    r = db.scan("\x00法轮功\x00")
    assert spans(r) == [(1, 4, "法轮功")]
    assert db.scan(b"\x00" * 100).action == "pass"


def test_bad_input_type(db):
    with pytest.raises(TypeError):
        db.scan(123)
    with pytest.raises(TypeError):
        db.scan(None)
    with pytest.raises(TypeError):
        db.scan_batch(["ok", 5])
    with pytest.raises(TypeError):
        db.scan_batch(5)
    with pytest.raises(TypeError):
        db.scan_batch("one message")


def test_overlapping_and_order(db2):
    r = db2.scan("sex六四法轮功fuck")
    starts = [(m.start, m.end, m.entry_id) for m in r.matches]
    assert starts == sorted(starts)
    assert r.categories == sorted(r.categories, key=db2.categories.index)
    assert r.action == "block"


def test_result_equality_and_repr(db):
    assert db.scan("fuck") == db.scan("fuck")
    assert db.scan("fuck") != db.scan("sex")
    assert "Match(" in repr(db.scan("fuck"))


def test_fold(db):
    assert db.fold("ＦＵＣＫ 法輪功") == "fuck法轮功"
    assert db.fold(b"\xffa") == "\ufffda"
    assert db.fold("") == ""


def test_batch_equals_single(db2):
    msgs = ["hello", "ＦＵＣＫ you", b"sex", "法 轮 功 and 六四", "", b"\xff\xfe",
            "路口交通", "口交", "ｓｅｘ 法輪功", bytearray(b"fuck"), "😀sex"] * 30
    batch = db2.scan_batch(msgs)
    single = [db2.scan(m) for m in msgs]
    assert len(batch) == len(msgs)
    assert batch == single
    assert db2.scan_batch([]) == []
    assert db2.scan_batch(tuple(msgs[:3])) == single[:3]


def test_threads_identical_results(db2):
    msgs = ["msg %d ＦＵＣＫ 法輪功 六四" % i if i % 3 == 0 else "clean message %d" % i
            for i in range(300)]
    expected = [db2.scan(m) for m in msgs]
    errors = []
    barrier = threading.Barrier(8)

    def worker(k):
        try:
            barrier.wait()
            for rep in range(5):
                if (k + rep) % 2:
                    got = db2.scan_batch(msgs)
                else:
                    got = [db2.scan(m) for m in msgs]
                if got != expected:
                    errors.append((k, rep))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert 1 <= screener._screener._pool_size(db2) <= 8


def test_gil_released_during_scan(db):
    """Another thread makes progress while a long scan runs."""
    big = b"x" * (24 << 20)
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    before = len(ticks)
    db.scan(big)
    during = len(ticks) - before
    stop.set()
    t.join()
    assert during > 0


def test_big_message(db):
    chunk = "正常的聊天内容 hello world 1234567890 "
    n = (10 << 20) // len(chunk.encode())
    body = chunk * n
    msg = body + "ｓｅｘ" + body + "法 轮 功"
    r = db.scan(msg)
    assert [m.term for m in r.matches] == ["sex", "法轮功"]
    for m in r.matches:
        assert msg[m.start:m.end] == m.text
    rb = db.scan(msg.encode())
    assert [(m.start, m.end) for m in rb.matches] == [
        (len(msg[:m.start].encode()), len(msg[:m.end].encode())) for m in r.matches]


def test_many_matches(db):
    msg = "sex " * 10000
    r = db.scan(msg)
    assert len(r.matches) == 10000
    assert r.matches[-1].start == 4 * 9999


def test_mutable_buffer_text_is_a_copy(db):
    buf = bytearray(b"xx sex yy")
    r = db.scan(buf)
    buf[3:6] = b"abc"
    assert r.matches[0].text == b"sex"
    assert isinstance(r.matches[0].text, bytes)


def test_str_subclass_and_bytes_subclass(db):
    class S(str):
        pass

    class B(bytes):
        pass

    assert [m.text for m in db.scan(S("ｓｅｘ")).matches] == ["ｓｅｘ"]
    assert [(m.start, m.end) for m in db.scan(B(b"a sex")).matches] == [(2, 5)]


def test_result_outlives_input_and_database():
    import gc

    db = screener.compile(texts={"t": "sex\n法轮功\n"})
    s = "".join(["ｓｅｘ", " 和 ", "法輪功"])
    r = db.scan(s)
    rb = db.scan_batch([s.encode()])[0]
    del s, db
    gc.collect()
    assert [(m.start, m.end, m.text, m.term) for m in r.matches] == [
        (0, 3, "ｓｅｘ", "sex"), (6, 9, "法輪功", "法轮功")]
    assert [(m.start, m.end, m.text) for m in rb.matches] == [
        (0, 9, "ｓｅｘ".encode()), (14, 23, "法輪功".encode())]
    assert r.categories == ["t"]


def test_offsets_many_matches_long_non_ascii(db):
    parts = []
    for i in range(200):
        parts.append("中文字符" * (i % 7) + "😀" * (i % 3) + ("ｓｅｘ" if i % 2 else "法 輪 功"))
    s = " ".join(parts)
    r = db.scan(s)
    assert len(r.matches) == 200
    for m in r.matches:
        assert s[m.start:m.end] == m.text
    rb = db.scan(s.encode())
    b = s.encode()
    assert [b[m.start:m.end].decode() for m in rb.matches] == [m.text for m in r.matches]
