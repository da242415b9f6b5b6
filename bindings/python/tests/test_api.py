"""Python API habits: signatures, truthiness of results, word lists, escaping,
profiles, category information."""
import inspect
import random
import warnings

import pytest

import screener


# ---- signatures -------------------------------------------------------------

SIGNATURES = {
    # module functions
    "compile": "(paths: 'Sequence[PathLike]' = (), texts: 'Texts' = None, *, "
               "words: 'Optional[Iterable[str]]' = None, allow: 'Optional[Iterable[str]]' = None, "
               "category: 'Optional[str]' = None, severity: 'Optional[int]' = None, "
               "fold: 'FoldSpec' = None, max_entries: 'int' = 0, max_term_bytes: 'int' = 0, "
               "max_dictionary_bytes: 'int' = 0, native: 'bool' = False, "
               "host_words: 'bool' = True) -> 'Database'",
    "escape_term": "(term: 'str') -> 'str'",
    "strerror": "(status, /)",
    "fold_families": "()",
    "detectors": "()",
    "action_names": "()",
    # classes
    "Handle": "(db)",
    "Profile": "(*, rules=(), min_severity=0, max_matches=0, disable=())",
    # Database
    "Database.scan": "(self, text, /, *, profile=None)",
    "Database.scan_batch": "(self, messages, /, *, profile=None)",
    "Database.mask": "(self, text, /, *, mask_char='*', all=False, profile=None)",
    "Database.stream": "(self, /, *, profile=None)",
    "Database.info": "(self, /)",
    "Database.fold": "(self, text, /)",
    "Database.entry": "(self, entry_id, /)",
    "Database.category": "(self, key, /)",
    "Database.to_bytes": "(self, /)",
    "Database.save": "(self, path, /)",
    "Database.load": "(path, *, trusted_keys=None)",
    "Database.from_bytes": "(data, /)",
    # Handle
    "Handle.scan": "(self, text, /, *, profile=None)",
    "Handle.scan_batch": "(self, messages, /, *, profile=None)",
    "Handle.mask": "(self, text, /, *, mask_char='*', all=False, profile=None)",
    "Handle.stream": "(self, /, *, profile=None)",
    "Handle.swap": "(self, db, /)",
    "Handle.load": "(self, /, path, *, trusted_keys=None)",
    "Handle.compile": "(self, paths: 'Sequence[PathLike]' = (), texts: 'Texts' = None, *, "
                      "words: 'Optional[Iterable[str]]' = None, "
                      "allow: 'Optional[Iterable[str]]' = None, "
                      "category: 'Optional[str]' = None, severity: 'Optional[int]' = None, "
                      "fold: 'FoldSpec' = None, max_entries: 'int' = 0, "
                      "max_term_bytes: 'int' = 0, max_dictionary_bytes: 'int' = 0, "
                      "native: 'bool' = False, host_words: 'bool' = True) -> 'int'",
    # Stream
    "Stream.write": "(self, chunk, /)",
    "Stream.close": "(self, /)",
    "Category.action_for": "(self, severity: 'int') -> 'str'",
}


def _resolve(name):
    obj = screener
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature(name):
    assert str(inspect.signature(_resolve(name))) == SIGNATURES[name]


def test_every_public_callable_has_a_signature():
    """Every public function and method of the package: inspect.signature
    works (no ValueError "no signature found"), and help() shows it."""
    missing = []
    for name in screener.__all__:
        obj = getattr(screener, name)
        targets = [(name, obj)]
        if isinstance(obj, type) and not issubclass(obj, BaseException):
            targets += [("%s.%s" % (name, m), getattr(obj, m)) for m in vars(obj)
                        if not m.startswith("_") and callable(getattr(obj, m))]
            if name in ("Database", "Result", "Match", "Stream", "Entry", "Category",
                        "Fold", "Status"):
                targets = targets[1:]  # not constructed by users (or enum/tuple classes)
        for label, target in targets:
            if not callable(target) or isinstance(target, type) and issubclass(
                    target, BaseException):
                continue
            try:
                inspect.signature(target)
            except (ValueError, TypeError) as e:
                missing.append("%s: %s" % (label, e))
    assert missing == []


def test_bound_methods_have_signatures(db):
    assert str(inspect.signature(db.scan)) == "(text, /, *, profile=None)"
    with db.stream() as s:
        assert str(inspect.signature(s.write)) == "(chunk, /)"


# ---- bool / len / iter of a Result -------------------------------------------

def test_result_truthiness(db2):
    clean = db2.scan("hello world")
    assert not clean and len(clean) == 0 and list(clean) == []
    hit = db2.scan("法轮功 and sex")
    assert hit and len(hit) == 2
    assert [m.term for m in hit] == ["法轮功", "sex"]
    # a match suppressed by an allow entry: reported in .matches, but nothing to do
    allowed = db2.scan("路口交通")
    assert allowed.matches and allowed.matches[0].suppressed
    assert not allowed and len(allowed) == 0 and list(allowed) == []
    # only the counted matches are iterated
    mixed = db2.scan("路口交通 口交")
    assert len(mixed.matches) == 2 and [m.text for m in mixed] == ["口交"]


def test_bool_is_len_nonzero_and_flagged(db2):
    rng = random.Random(7)
    pieces = ["法轮功", "路口交通", "口交", "sex", "fuck", "hello", "六四", " ", "路口"]
    msgs = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 5))) for _ in range(300)]
    p = screener.Profile(rules=[("porn", 0, "pass")])
    for prof in (None, p):
        for r in db2.scan_batch(msgs, profile=prof):
            assert bool(r) == (len(r) > 0) == r.flagged == (r.action != "pass")
            assert list(r) == [m for m in r.matches if not m.suppressed and m.action != "pass"]


def test_matches_whose_action_is_pass_do_not_make_a_result_true(db2):
    # the policy says 'pass' for porn: reported, counted in .matches, nothing to do
    p = screener.Profile(rules=[("porn", 0, "pass")])
    r = db2.scan("sex", profile=p)
    assert [m.action for m in r.matches] == ["pass"]
    assert not r and len(r) == 0
    assert db2.scan("sex")  # without the profile


# ---- words= and escape_term ----------------------------------------------------

@pytest.mark.parametrize("term, line", [
    ("#metoo", "\\#metoo"), ("@admin", "\\@admin"), ("\\#x", "\\\\#x"), ("\\x", "\\\\x"),
    ("a#b", "a#b"), ("法轮功", "法轮功"), ("ab\\", "ab\\"), ("x y", "x y"),
])
def test_escape_term(term, line):
    assert screener.escape_term(term) == line


@pytest.mark.parametrize("term", ["", "a\tb", "a\nb", "a\rb", "a\0b", " a", "a ", " "])
def test_escape_term_rejects_what_cannot_be_written(term):
    with pytest.raises(ValueError):
        screener.escape_term(term)


def test_escape_term_type():
    with pytest.raises(TypeError):
        screener.escape_term(b"#x")


def test_words_are_literal_terms():
    db = screener.compile(words=["#metoo", "@admin", "\\#x", "\\y", "ok"], fold=screener.Fold.NONE)
    assert [db.entry(i).term for i in range(len(db))] == ["#metoo", "@admin", "\\#x", "\\y", "ok"]
    # .matches: `@admin` standing alone reads as a mention, reported but
    # suppressed by the default profile (docs/regions.md)
    assert [m.text for m in db.scan("re #metoo @admin \\#x \\y").matches] == \
        ["#metoo", "@admin", "\\#x", "\\y"]
    assert not db.scan("metoo admin #x y")  # exact: the '#', '@', '\' are part of the terms


def test_words_roundtrip_generated_terms():
    """Any writable term comes back as itself (fold NONE keeps it distinct)."""
    rng = random.Random(16)
    alphabet = "#@\\ab c法轮\u200b!ｓ\U0001F600"
    terms = set()
    while len(terms) < 300:
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 7))).strip(" ")
        if t:
            terms.add(t)
    terms = sorted(terms)
    db = screener.compile(words=terms, fold=screener.Fold.NONE)
    assert sorted(db.entry(i).term for i in range(len(db))) == terms


def test_words_category_severity_allow():
    db = screener.compile(words=["fuck", "口交"], allow=["路口交通"], category="mine", severity=3)
    assert db.categories == ("mine",)
    assert [(e.term, e.severity, e.allow) for e in map(db.entry, range(len(db)))] == \
        [("fuck", 3, False), ("口交", 3, False), ("路口交通", 3, True)]
    assert not db.scan("路口交通") and db.scan("口交").action == "block"
    # default category and severity
    d2 = screener.compile(words=["abc"])
    assert d2.categories == ("words",) and d2.entry(0).severity == 2
    # together with dictionaries
    d3 = screener.compile(texts={"t": "xyz\n"}, words=("abc",))
    assert sorted(d3.categories) == ["t", "words"]


def test_words_errors_name_the_word():
    with pytest.raises(screener.DictTermError) as e:
        screener.compile(words=["ok", "fine", "!!!"])  # folds to nothing
    assert (e.value.file, e.value.line) == ("words", 3)
    with pytest.raises(TypeError, match="not one str"):
        screener.compile(words="abc")
    with pytest.raises(TypeError, match=r"words\[1\]"):
        screener.compile(words=["a", 1])
    with pytest.raises(ValueError, match=r"words\[0\].*TAB"):
        screener.compile(words=["a\tseverity=4"])
    with pytest.raises(ValueError, match="severity"):
        screener.compile(words=["a"], severity=5)
    with pytest.raises(TypeError, match="severity"):
        screener.compile(words=["a"], severity="3")
    with pytest.raises(ValueError, match="category"):
        screener.compile(words=["a"], category="Bad Name")
    with pytest.raises(TypeError, match="category= and severity="):
        screener.compile(texts={"t": "a\n"}, category="x")
    with pytest.raises(screener.DictEmptyError):
        screener.compile(words=[])


def test_handle_compile_words():
    h = screener.Handle(screener.compile(words=["alpha"]))
    assert h.compile(words=["#beta"], category="tags") == 2
    assert [m.term for m in h.scan("x #beta")] == ["#beta"]
    with pytest.raises(ValueError):
        h.compile(words=[" bad"])
    assert h.version == 2


# ---- compile options and warnings ----------------------------------------------

def test_compile_warnings_are_python_warnings():
    with pytest.warns(screener.DictionaryWarning, match=r"mine:2: .*allow") as rec:
        screener.compile(texts={"mine": "fuck\nhello world\tallow\n"})
    assert len(rec) == 1
    with pytest.warns(screener.DictionaryWarning, match=r"mine:1: .*TAB"):
        screener.compile(texts={"mine": "ACME-Q3-forecast    severity=3\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        screener.compile(texts={"mine": "fuck\n"})  # no warning at all


def test_warnings_as_errors_keep_the_handle_current():
    h = screener.Handle(screener.compile(words=["alpha"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", screener.DictionaryWarning)
        with pytest.raises(screener.DictionaryWarning):
            h.compile(texts={"mine": "beta\nhello world\tallow\n"})
        with pytest.raises(screener.DictionaryWarning):
            screener.compile(texts={"mine": "beta\nhello world\tallow\n"})
    assert h.version == 1 and [m.term for m in h.scan("alpha beta")] == ["alpha"]


def test_compile_options():
    with pytest.raises(screener.LimitError):
        screener.compile(words=["abcd"], max_term_bytes=3)
    assert len(screener.compile(words=["abc"], max_term_bytes=3)) == 1
    with pytest.raises(screener.LimitError):
        screener.compile(words=["abcdef"] * 3, max_dictionary_bytes=10)
    with pytest.raises(screener.LimitError):
        screener.compile(words=["a1", "a2", "a3"], max_entries=2)
    assert screener.compile(words=["fuck"], native=True).scan("fuck")
    # host words: 慢性病 (慢性|病) is an ordinary word around 性病
    assert not screener.compile(words=["性病"]).scan("慢性病")
    assert screener.compile(words=["性病"], host_words=False).scan("慢性病")
    with pytest.raises(TypeError):
        screener.compile(words=["a"], max_entries="5")
    with pytest.raises(ValueError):
        screener.compile(words=["a"], max_term_bytes=-1)
    h = screener.Handle(screener.compile(words=["a1"]))
    with pytest.raises(screener.LimitError):
        h.compile(words=["abcd"], max_term_bytes=3)
    assert h.version == 1


# ---- profiles -------------------------------------------------------------------

PROFILE_DICT = {
    "politics": "@severity 3\n法轮功\n六四\tseverity=4\n",
    "porn": "sex\tseverity=4\nfuck\n口交\tseverity=1\n",
}


@pytest.fixture(scope="module")
def pdb():
    return screener.compile(texts=PROFILE_DICT)


def test_profile_rules(pdb):
    msg = "法轮功 六四 sex fuck 口交"
    base = pdb.scan(msg)
    assert [(m.term, m.action) for m in base.matches] == [
        ("法轮功", "block"), ("六四", "block"), ("sex", "block"), ("fuck", "mask"),
        ("口交", "review")]
    p = screener.Profile(rules=[("porn", 0, "review"), ("porn", 4, "block"), (None, 3, "mask")])
    r = pdb.scan(msg, profile=p)
    assert [(m.term, m.action) for m in r.matches] == [
        ("法轮功", "mask"), ("六四", "block"), ("sex", "block"), ("fuck", "review"),
        ("口交", "review")]
    assert p.rules == (("porn", 0, "review"), ("porn", 4, "block"), (None, 3, "mask"))


def test_profile_drop_disable_min_severity(pdb):
    msg = "法轮功 六四 sex fuck 口交"
    r = pdb.scan(msg, profile=screener.Profile(disable=["politics"]))
    assert [m.term for m in r.matches] == ["sex", "fuck", "口交"]
    assert r.categories == ["porn"]
    r = pdb.scan(msg, profile=screener.Profile(rules=[(None, 1, "drop")]))
    assert "口交" not in [m.term for m in r.matches]
    r = pdb.scan(msg, profile=screener.Profile(min_severity=3))
    assert [m.term for m in r.matches] == ["法轮功", "六四", "sex"]
    # disable first, then a rule can still re-enable a severity
    p = screener.Profile(disable=["porn"], rules=[("porn", 4, "block")])
    assert [m.term for m in pdb.scan(msg, profile=p).matches] == ["法轮功", "六四", "sex"]
    # an unknown category is ignored: one profile fits every database
    assert pdb.scan(msg, profile=screener.Profile(disable=["nope"])) == pdb.scan(msg)


def test_profile_max_matches_truncates(pdb):
    r = pdb.scan("sex " * 10, profile=screener.Profile(max_matches=3))
    assert len(r.matches) == 3 and r.truncated
    assert not pdb.scan("sex " * 10).truncated


def test_profile_does_not_stick_to_pooled_scratches(pdb):
    p = screener.Profile(disable=["porn", "politics"])
    for _ in range(3):
        assert not pdb.scan("sex 法轮功", profile=p)
        assert pdb.scan("sex 法轮功").action == "block"
        assert [not r for r in pdb.scan_batch(["sex", "fuck"], profile=p)] == [True, True]
        assert all(pdb.scan_batch(["sex", "fuck"]))


def test_profile_everywhere(pdb):
    p = screener.Profile(disable=["porn"])
    assert pdb.mask("sex 法轮功", profile=p) == "sex ***"
    assert pdb.mask("sex 法轮功") == "*** ***"
    with pdb.stream(profile=p) as s:
        got = s.write("sex 法轮").matches + s.write("功").matches + s.close().matches
    assert [m.term for m in got] == ["法轮功"]
    h = screener.Handle(pdb)
    assert [m.term for m in h.scan("sex 法轮功", profile=p)] == ["法轮功"]
    assert h.mask("sex", profile=p) == "sex"


@pytest.mark.parametrize("kwargs, exc, text", [
    (dict(rules=[("porn", 5, "block")]), ValueError, "severity"),
    (dict(rules=[("porn", -1, "block")]), ValueError, "severity"),
    (dict(rules=[("porn", 1, "nuke")]), ValueError, "unknown action"),
    (dict(rules=[("porn", 1)]), TypeError, "tuple"),
    (dict(rules=[(3, 1, "block")]), TypeError, "category"),
    (dict(rules=[("porn", "1", "block")]), TypeError, "severity"),
    (dict(rules=[("porn", 1, 2)]), TypeError, "action"),
    (dict(rules="porn"), TypeError, "sequences"),
    (dict(rules=5), TypeError, "rules"),
    (dict(disable=[1]), TypeError, "disable"),
    (dict(disable="porn"), TypeError, "sequences"),
    (dict(min_severity=9), ValueError, "min_severity"),
    (dict(max_matches=-1), ValueError, "max_matches"),
])
def test_bad_profiles(kwargs, exc, text):
    with pytest.raises(exc, match=text):
        screener.Profile(**kwargs)


def test_bad_profile_arguments(pdb):
    with pytest.raises(TypeError, match="Profile"):
        pdb.scan("x", profile="strict")
    with pytest.raises(TypeError, match="unexpected keyword"):
        pdb.scan("x", profil=None)
    with pytest.raises(TypeError, match="positional"):
        pdb.scan()
    with pytest.raises(TypeError, match="positional"):
        pdb.scan("a", "b")
    with pytest.raises(TypeError):
        screener.Profile(["porn", 1, "block"])  # keyword-only
    assert pdb.scan("sex", profile=None) == pdb.scan("sex")


# ---- category and entry information ------------------------------------------------

def test_category_information():
    db = screener.compile(texts={
        "mine": "@category acme\n@name-zh 机密\n@name-en Confidential\n"
                "@action * review\n@action 4 block\nBluebird\n",
    })
    c = db.category("acme")
    assert c == db.category(0)
    assert (c.id, c.name, c.name_zh, c.name_en) == (0, "acme", "机密", "Confidential")
    assert c.actions == ("review", "review", "review", "block")
    assert c.action_for(4) == "block"
    with pytest.raises(ValueError):
        c.action_for(0)
    with pytest.raises(KeyError, match="nope"):
        db.category("nope")
    with pytest.raises(IndexError):
        db.category(1)
    with pytest.raises(IndexError):
        db.category(-1)
    with pytest.raises(TypeError):
        db.category(1.0)
    assert screener.action_names() == ("pass", "review", "mask", "block")


def test_entry_kinds():
    db = screener.compile(texts={"t": "@detect email\nqq[0-9]{5,9}\tregex\n5星\tnumerals\n"})
    kinds = [(e.detector, e.regex, e.numerals) for e in map(db.entry, range(len(db)))]
    assert kinds == [(True, False, False), (False, True, False), (False, False, True)]


def test_match_selected(db2):
    r = db2.scan("口交 and 路口交通")
    assert [(m.term, m.suppressed, m.selected) for m in r.matches] == \
        [("口交", False, True), ("口交", True, False)]
