"""Streams: chunked input gives what one scan of the whole text gives."""
import random
import threading
import weakref

import pytest

import screener

DICT = "法轮功\nfuck\nsex\tseverity=4\n口交\n路口交通\tallow\nonline casino\n"


@pytest.fixture(scope="module")
def sdb():
    return screener.compile(texts={"t": DICT})


def _key(m):
    return (m.start, m.end, m.term, m.category, m.severity, m.action, m.suppressed, m.text)


def _stream(db, chunks, **kw):
    out = []
    with db.stream(**kw) as s:
        for c in chunks:
            out += s.write(c).matches
        out += s.close().matches
        assert s.closed
    return sorted(map(_key, out))


def _splits(rng, text, n):
    cuts = sorted(rng.randrange(0, len(text) + 1) for _ in range(n))
    return [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]


def _messages(rng, k):
    pieces = ["法轮功", "法 輪 功", "ｆｕｃｋ", "f.u.c.k", "s e x", "路口交通", "口交", "hello ",
              "online casino", "o n l i n e c a s i n o", "😀", "\u200b", "，", "class "]
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(k)]


def test_chunked_equals_whole_str(sdb):
    rng = random.Random(1)
    for text in _messages(rng, 150):
        whole = sorted(map(_key, sdb.scan(text).matches))
        for n in (1, 3, len(text)):
            assert _stream(sdb, _splits(rng, text, n)) == whole, text


def test_chunked_equals_whole_bytes_split_inside_characters(sdb):
    rng = random.Random(2)
    for text in _messages(rng, 150):
        data = text.encode()
        whole = sorted(map(_key, sdb.scan(data).matches))
        # cuts anywhere, also inside UTF-8 sequences; memoryview and bytearray chunks too
        chunks = _splits(rng, data, rng.randrange(1, 8))
        chunks = [rng.choice([bytes, bytearray, memoryview])(c) for c in chunks]
        assert _stream(sdb, chunks) == whole, text
        assert _stream(sdb, [data[i:i + 1] for i in range(len(data))]) == whole


def test_offsets_are_global_and_text_is_the_span(sdb):
    with sdb.stream() as s:
        assert s.write("aaaa fu").matches == []
        r = s.write("ck bbbb 法").matches + s.close().matches
    assert [(m.start, m.end, m.text) for m in r] == [(5, 9, "fuck")]
    assert s.position == 16 and s.closed


def test_long_stream_keeps_offsets_and_texts(sdb):
    """Over 3 MB: the kept window slides, offsets and texts stay right."""
    rng = random.Random(3)
    parts = []
    for i in range(8000):
        parts.append("x" * rng.randrange(100, 900) + rng.choice(["法 輪 功", "ｆｕｃｋ", "路口交通"]))
    text = "".join(parts)
    assert len(text.encode()) > 3 << 20
    whole = sorted(map(_key, sdb.scan(text).matches))
    chunks = _splits(rng, text, 400)
    assert _stream(sdb, chunks) == whole
    data = text.encode()
    assert _stream(sdb, _splits(rng, data, 400)) == sorted(map(_key, sdb.scan(data).matches))


def test_big_gap_between_disguised_characters(sdb):
    text = "f" + " " * 50000 + "uck and 法" + "\u200b" * 30000 + "轮功"
    whole = sorted(map(_key, sdb.scan(text).matches))
    assert whole
    assert _stream(sdb, _splits(random.Random(4), text, 30)) == whole


def test_stream_errors(sdb):
    s = sdb.stream()
    s.write("abc")
    with pytest.raises(TypeError, match="str chunks"):
        s.write(b"abc")
    with pytest.raises(TypeError, match="str or a bytes-like"):
        s.write(5)
    s.close()
    with pytest.raises(ValueError, match="closed"):
        s.write("x")
    with pytest.raises(ValueError, match="closed"):
        s.close()
    b = sdb.stream()
    b.write(b"abc")
    with pytest.raises(TypeError, match="bytes chunks"):
        b.write("abc")
    with sdb.stream() as w:
        w.write("fu")
    assert w.closed  # the with block frees it (without reporting)
    with pytest.raises(ValueError, match="closed"):
        w.write("ck")
    with pytest.raises(TypeError):
        sdb.stream(profile=3)
    with pytest.raises(TypeError):
        sdb.stream("x")


def test_stream_keeps_its_database_alive():
    db = screener.compile(words=["alpha"])
    s = db.stream()
    ref = weakref.ref(db)
    del db
    assert ref() is not None  # the stream holds it
    assert [m.term for m in s.write("alpha ").matches + s.close().matches] == ["alpha"]
    del s
    assert ref() is None


def test_streams_in_threads(sdb):
    rng = random.Random(5)
    texts = _messages(rng, 40)
    expected = [sorted(map(_key, sdb.scan(t).matches)) for t in texts]
    errors = []

    def worker(seed):
        r = random.Random(seed)
        for t, e in zip(texts, expected):
            if _stream(sdb, _splits(r, t, 4)) != e:
                errors.append(t)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_handle_stream_keeps_its_version():
    h = screener.Handle(screener.compile(words=["alpha"]))
    s = h.stream()
    h.compile(words=["beta"])
    r = s.write("alpha beta ")
    r2 = s.close()
    assert [m.term for m in r.matches + r2.matches] == ["alpha"]
    assert r.db_version == 1 and h.version == 2


def test_stream_used_by_two_threads_at_once_raises(sdb):
    """A stream belongs to one thread at a time: a write while another
    thread's write runs (GIL released) raises RuntimeError instead of
    corrupting the stream."""
    s = sdb.stream()
    big = b"x " * (8 << 20)  # 16 MB: the write takes a while
    started = threading.Event()
    out = []

    def writer():
        started.set()
        out.append(s.write(big))

    t = threading.Thread(target=writer)
    t.start()
    started.wait()
    outcome, wrote, mine = None, 0, []
    while t.is_alive() and outcome is None:
        try:
            mine += s.write(b"fuck ").matches  # may run before the thread's write began
            wrote += 1
        except RuntimeError as e:
            outcome = str(e)
    t.join()
    if outcome is None:
        pytest.skip("the big write finished before a second write could start")
    assert "another thread" in outcome
    # the stream is intact: every accepted write counted, the rejected one not
    assert s.position == len(big) + 5 * wrote
    found = mine + [m for r in out for m in r.matches] + s.close().matches
    assert [m.term for m in found] == ["fuck"] * wrote
