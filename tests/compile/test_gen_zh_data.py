#!/usr/bin/env python3
"""The split data of lib/compile/gen_zh_data.py: the pickle inside the
downloaded wheel is read with a data-only unpickler (a pickle that would
call a function is refused, and nothing runs), a wheel that is missing or
does not match its pinned sha256 stops the build with a message, and the
kept splits are the ones a reader recognises."""
import io
import os
import pickle
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "lib", "compile"))
import gen_zh_data as g  # noqa: E402


class Evil:
    def __reduce__(self):
        return (os.system, ("touch %s" % MARK,))


MARK = os.path.join(tempfile.gettempdir(), "screener-unpickle-ran-%d" % os.getpid())


class DataOnly(unittest.TestCase):
    def test_refuses_globals_and_runs_nothing(self):
        blob = pickle.dumps({"体": [["亻", "本"]], "x": Evil()})
        with self.assertRaises(pickle.UnpicklingError):
            g.DataOnlyUnpickler(io.BytesIO(blob)).load()
        self.assertFalse(os.path.exists(MARK))

    def test_reads_plain_data(self):
        blob = pickle.dumps({"体": [["人", "本"], ["亻", "本"]], "t": ("a",)})
        self.assertEqual(g.DataOnlyUnpickler(io.BytesIO(blob)).load()["体"][1], ["亻", "本"])


class Wheel(unittest.TestCase):
    def load_from(self, d):
        old = os.environ.get("SCREENER_DEPS_DIR")
        os.environ["SCREENER_DEPS_DIR"] = d
        try:
            return g.load_chaizi()
        finally:
            if old is None:
                del os.environ["SCREENER_DEPS_DIR"]
            else:
                os.environ["SCREENER_DEPS_DIR"] = old

    def test_missing_wheel_names_install_deps(self):
        with tempfile.TemporaryDirectory() as d:
            err = io.StringIO()
            stderr, sys.stderr = sys.stderr, err
            try:
                with self.assertRaises(SystemExit):
                    self.load_from(d)
            finally:
                sys.stderr = stderr
            self.assertIn("scripts/install-deps", err.getvalue())

    def test_wrong_sha256_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            with zipfile.ZipFile(os.path.join(d, g.CHAIZI_WHEEL), "w") as z:
                z.writestr(g.CHAIZI_MEMBER, pickle.dumps({"体": [["亻", "本"]]}))
            stderr, sys.stderr = sys.stderr, io.StringIO()
            try:
                with self.assertRaises(SystemExit):
                    self.load_from(d)
                self.assertIn("sha256", sys.stderr.getvalue())
            finally:
                sys.stderr = stderr


class Rule(unittest.TestCase):
    strokes = {"亻": 2, "本": 5, "人": 2, "囗": 3, "玉": 5, "巳": 3, "丨": 1, "弓": 3, "虽": 9}
    level1 = {"本", "人", "玉", "巳", "弓", "虽"}

    def test_recognisable_splits_only(self):
        t = g.splits({"体": [["人", "本"], ["亻", "本"]], "国": [["囗", "玉"]],
                      "巴": [["巳", "丨"]], "强": [["弓", "虽"]], "x": [["弓", "虽"]]},
                     self.strokes, self.level1)
        self.assertEqual(t, {ord("体"): [("亻", "本")], ord("强"): [("弓", "虽")]})


if __name__ == "__main__":
    unittest.main()
