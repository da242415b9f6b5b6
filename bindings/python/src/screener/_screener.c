/*
 * _screener.c — CPython extension of the screener Python binding.
 *
 * Design (see README.md for the measurements behind it):
 *   - Database wraps an immutable screener_db. Scans release the GIL around
 *     the C call. Each scan pops a scratch from a per-database pool and pushes
 *     it back afterwards; the pool is only touched while the GIL is held, so
 *     no extra lock is needed and concurrent scans never share a scratch
 *     (no SCREENER_E_SCRATCH_IN_USE, no global scan lock). A thread that finds
 *     the pool empty allocates a fresh scratch; up to POOL_KEEP are retained.
 *   - The whole Result (matches, categories) is built from the C result in one
 *     pass after the scan, before the scratch goes back to the pool.
 *   - str input is scanned as UTF-8 (ASCII str without a copy) and offsets are
 *     converted to code point indices; bytes-like input keeps byte offsets.
 *   - scan_batch() makes ONE screener_scan_batch() call for the whole list.
 *
 * The module does not declare free-threading support, so a free-threaded
 * interpreter keeps the GIL enabled while it is loaded (the pool relies on it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <screener.h>

#define POOL_KEEP 64

/* ------------------------------------------------------------------------ */
/* Module globals (set once in module init)                                 */
/* ------------------------------------------------------------------------ */

static PyObject *g_make_error; /* screener._types._make_error */
static PyObject *g_Entry;      /* screener._types.Entry */
static PyObject *g_Fold;       /* screener._types.Fold */
static PyObject *g_Category;   /* screener._types.Category */
static PyObject *g_DictionaryWarning; /* screener._types.DictionaryWarning */
static PyObject *g_action_names[SCREENER_ACTION_BLOCK + 1]; /* screener_action_name() */

static PyTypeObject DatabaseType;
static PyTypeObject ResultType;
static PyTypeObject MatchType;
static PyTypeObject ProfileType;
static PyTypeObject StreamType;
static PyTypeObject HandleType;

/* Raise the Python exception for a C status; frees err. Returns NULL. */
static PyObject *raise_status(int status, screener_error *err)
{
    PyObject *msg = NULL, *file = NULL, *exc = NULL;
    unsigned line = 0;
    if (err) {
        status = screener_error_status(err) ? screener_error_status(err) : status;
        msg = PyUnicode_DecodeUTF8(screener_error_message(err),
                                   (Py_ssize_t)strlen(screener_error_message(err)), "replace");
        const char *f = screener_error_file(err);
        if (f)
            file = PyUnicode_DecodeFSDefault(f);
        line = screener_error_line(err);
        screener_error_free(err);
    } else {
        msg = PyUnicode_FromString(screener_strerror(status));
    }
    if (!msg)
        goto done;
    if (!file) {
        if (PyErr_Occurred())
            goto done;
        file = Py_None;
        Py_INCREF(file);
    }
    exc = PyObject_CallFunction(g_make_error, "iOOI", status, msg, file, line);
    if (!exc && status == SCREENER_E_NOMEM) {
        PyErr_NoMemory();
    } else if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
done:
    Py_XDECREF(msg);
    Py_XDECREF(file);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Match                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    Py_ssize_t start;
    Py_ssize_t end;
    PyObject *term;     /* str */
    PyObject *category; /* str */
    PyObject *action;   /* str */
    PyObject *text;     /* str or bytes: the matched span, made on first access */
    PyObject *src;      /* the scanned str or bytes while text is not made yet */
    Py_ssize_t base;    /* offset of src[0] in the input (streams), else 0 */
    int severity;
    char suppressed;
    char selected;
    unsigned int entry_id;
    unsigned int category_id;
} MatchObject;

static void Match_dealloc(MatchObject *self)
{
    Py_XDECREF(self->term);
    Py_XDECREF(self->category);
    Py_XDECREF(self->action);
    Py_XDECREF(self->text);
    Py_XDECREF(self->src);
    PyObject_Free(self);
}

/* The matched span, sliced from the (immutable) input on first access: most
 * callers only look at the verdict, so scans do not pay for the slices. */
static PyObject *Match_get_text(MatchObject *self, void *Py_UNUSED(c))
{
    if (!self->text) {
        PyObject *src = self->src;
        Py_ssize_t a = self->start - self->base, b = self->end - self->base;
        if (PyUnicode_Check(src))
            self->text = PyUnicode_Substring(src, a, b);
        else
            self->text = PyBytes_FromStringAndSize(PyBytes_AS_STRING(src) + a, b - a);
        if (!self->text)
            return NULL;
        Py_CLEAR(self->src);
    }
    Py_INCREF(self->text);
    return self->text;
}

static PyObject *Match_repr(MatchObject *self)
{
    PyObject *text = Match_get_text(self, NULL);
    if (!text)
        return NULL;
    Py_DECREF(text); /* still referenced by self */
    return PyUnicode_FromFormat("Match(start=%zd, end=%zd, term=%R, category=%R, severity=%d, "
                                "action=%R, text=%R, suppressed=%s)",
                                self->start, self->end, self->term, self->category,
                                self->severity, self->action, self->text,
                                self->suppressed ? "True" : "False");
}

static PyObject *Match_astuple(MatchObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *text = Match_get_text(self, NULL);
    if (!text)
        return NULL;
    return Py_BuildValue("(nnOOiONOI)", self->start, self->end, self->term, self->category,
                         self->severity, self->action, text,
                         self->suppressed ? Py_True : Py_False, self->entry_id);
}

static PyObject *Match_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, &MatchType))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *ta = Match_astuple((MatchObject *)a, NULL);
    PyObject *tb = ta ? Match_astuple((MatchObject *)b, NULL) : NULL;
    PyObject *r = tb ? PyObject_RichCompare(ta, tb, op) : NULL;
    Py_XDECREF(ta);
    Py_XDECREF(tb);
    return r;
}

static PyMemberDef Match_members[] = {
    {"start", T_PYSSIZET, offsetof(MatchObject, start), READONLY,
     "Start of the match: code point index for str input, byte offset for bytes."},
    {"end", T_PYSSIZET, offsetof(MatchObject, end), READONLY,
     "End of the match (exclusive), in the same unit as start."},
    {"term", T_OBJECT, offsetof(MatchObject, term), READONLY,
     "The dictionary term as written in the dictionary."},
    {"category", T_OBJECT, offsetof(MatchObject, category), READONLY, "Category name."},
    {"severity", T_INT, offsetof(MatchObject, severity), READONLY, "Severity 1..4."},
    {"action", T_OBJECT, offsetof(MatchObject, action), READONLY,
     "Recommended action for this match: 'review', 'mask' or 'block'."},
    {"suppressed", T_BOOL, offsetof(MatchObject, suppressed), READONLY,
     "True when an allow-list entry covers the match (not counted in the verdict)."},
    {"selected", T_BOOL, offsetof(MatchObject, selected), READONLY,
     "True when the match is part of the leftmost-longest non-overlapping selection of the\n"
     "unsuppressed matches (what to show or mask when overlaps are not wanted)."},
    {"entry_id", T_UINT, offsetof(MatchObject, entry_id), READONLY,
     "Entry id, for Database.entry() (its reason, source and line)."},
    {"category_id", T_UINT, offsetof(MatchObject, category_id), READONLY, "Category id."},
    {NULL}};

static PyGetSetDef Match_getset[] = {
    {"text", (getter)Match_get_text, NULL,
     "The matched span of the input (str for str input, bytes otherwise).", NULL},
    {NULL}};

static PyMethodDef Match_methods[] = {
    {"_astuple", (PyCFunction)Match_astuple, METH_NOARGS, NULL},
    {NULL}};

static PyTypeObject MatchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Match",
    .tp_basicsize = sizeof(MatchObject),
    .tp_dealloc = (destructor)Match_dealloc,
    .tp_repr = (reprfunc)Match_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One dictionary match in a scanned message (read-only).",
    .tp_richcompare = Match_richcompare,
    .tp_members = Match_members,
    .tp_methods = Match_methods,
    .tp_getset = Match_getset,
    .tp_hash = PyObject_HashNotImplemented,
};

/* ------------------------------------------------------------------------ */
/* Result                                                                    */
/* ------------------------------------------------------------------------ */

/* A match copied out of the C result (offsets already in the caller's unit),
 * waiting to become a Match object. */
typedef struct {
    Py_ssize_t start, end;
    uint32_t entry_id, category_id;
    uint8_t severity, action;
    uint16_t flags;
} pending_match;

/*
 * The verdict (action, severity) is set at scan time. The matches and
 * categories are copied out of the scratch at scan time too, in one block
 * (pending; no C call per match), and become Python objects on first access
 * of .matches/.categories: a caller that only reads the verdict never pays
 * for Match objects. A clean result has neither.
 */
typedef struct {
    PyObject_HEAD
    PyObject *action;     /* str */
    PyObject *categories; /* list of str, or NULL (pending or empty) */
    PyObject *matches;    /* list of Match, or NULL (pending or empty) */
    int severity;
    int action_code;
    int truncated;
    Py_ssize_t n_hits;    /* counted matches whose action is not pass: len(result) */
    Py_ssize_t base;      /* offset of src[0] in the input (streams), else 0 */
    PyObject *fingerprint;         /* str: fingerprint of the database that scanned */
    unsigned long long db_version; /* Handle version that scanned (0: a plain Database) */
    /* pending state, all NULL/0 once materialized */
    pending_match *pm;    /* n_pm matches, then n_cat category ids (one PyMem block) */
    uint32_t *cat_ids;
    Py_ssize_t n_pm, n_cat;
    PyObject *db;         /* the Database (terms, category names) */
    PyObject *src;        /* the scanned str or bytes (for Match.text) */
} ResultObject;

static PyObject *lazy_list(PyObject **slot);
static PyObject *Result_get_categories(ResultObject *self, void *c);
static PyObject *Result_get_matches(ResultObject *self, void *c);

static int Result_traverse(ResultObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->categories);
    Py_VISIT(self->matches);
    return 0;
}

static void Result_drop_pending(ResultObject *self)
{
    PyMem_Free(self->pm);
    self->pm = NULL;
    self->cat_ids = NULL;
    self->n_pm = self->n_cat = 0;
    Py_CLEAR(self->db);
    Py_CLEAR(self->src);
}

static int Result_clear(ResultObject *self)
{
    Py_CLEAR(self->categories);
    Py_CLEAR(self->matches);
    Py_CLEAR(self->action);
    Py_CLEAR(self->fingerprint);
    Result_drop_pending(self);
    return 0;
}

static void Result_dealloc(ResultObject *self)
{
    PyObject_GC_UnTrack(self);
    Result_clear(self);
    PyObject_GC_Del(self);
}

static PyObject *Result_repr(ResultObject *self)
{
    PyObject *c = Result_get_categories(self, NULL);
    PyObject *m = c ? Result_get_matches(self, NULL) : NULL;
    PyObject *r = m ? PyUnicode_FromFormat("Result(action=%R, severity=%d, categories=%R, "
                                           "matches=%R)",
                                           self->action, self->severity, c, m)
                    : NULL;
    Py_XDECREF(c);
    Py_XDECREF(m);
    return r;
}

static PyObject *Result_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, &ResultType))
        Py_RETURN_NOTIMPLEMENTED;
    ResultObject *x = (ResultObject *)a, *y = (ResultObject *)b;
    int eq = x->action_code == y->action_code && x->severity == y->severity;
    if (eq) {
        PyObject *xc = Result_get_categories(x, NULL), *yc = Result_get_categories(y, NULL);
        PyObject *xm = Result_get_matches(x, NULL), *ym = Result_get_matches(y, NULL);
        if (!xc || !yc || !xm || !ym)
            eq = -1;
        else {
            eq = PyObject_RichCompareBool(xc, yc, Py_EQ);
            if (eq > 0)
                eq = PyObject_RichCompareBool(xm, ym, Py_EQ);
        }
        Py_XDECREF(xc);
        Py_XDECREF(yc);
        Py_XDECREF(xm);
        Py_XDECREF(ym);
        if (eq < 0)
            return NULL;
    }
    if (op == Py_NE)
        eq = !eq;
    return PyBool_FromLong(eq);
}

static PyObject *Result_get_flagged(ResultObject *self, void *Py_UNUSED(c))
{
    return PyBool_FromLong(self->action_code != SCREENER_ACTION_PASS);
}

/* bool(result): the verdict asks for something (action is not 'pass'). This
 * is the same as len(result) > 0: the action is the strongest action among
 * the counted matches, so it is 'pass' exactly when none of them asks for
 * more. */
static int Result_bool(ResultObject *self)
{
    return self->action_code != SCREENER_ACTION_PASS;
}

static Py_ssize_t Result_len(ResultObject *self)
{
    return self->n_hits;
}

static int is_hit(MatchObject *m)
{
    return !m->suppressed && m->action != g_action_names[SCREENER_ACTION_PASS];
}

/* iter(result): the matches behind the verdict (not suppressed, action not
 * 'pass'), in .matches order. */
static PyObject *Result_iter(ResultObject *self)
{
    PyObject *all = Result_get_matches(self, NULL);
    if (!all)
        return NULL;
    PyObject *hits = PyList_New(0);
    for (Py_ssize_t i = 0; hits && i < PyList_GET_SIZE(all); i++) {
        PyObject *m = PyList_GET_ITEM(all, i);
        if (is_hit((MatchObject *)m) && PyList_Append(hits, m) < 0)
            Py_CLEAR(hits);
    }
    Py_DECREF(all);
    if (!hits)
        return NULL;
    PyObject *it = PyObject_GetIter(hits);
    Py_DECREF(hits);
    return it;
}

/* categories/matches stay NULL for a clean message (the common case) and an
 * empty list is made on first access: two allocations saved per clean scan. */
static PyObject *lazy_list(PyObject **slot)
{
    if (!*slot) {
        *slot = PyList_New(0);
        if (!*slot)
            return NULL;
    }
    Py_INCREF(*slot);
    return *slot;
}

static int Result_materialize(ResultObject *self, const char *copy_from);

static PyObject *Result_get_categories(ResultObject *self, void *Py_UNUSED(c))
{
    if (self->pm && Result_materialize(self, NULL) < 0)
        return NULL;
    return lazy_list(&self->categories);
}

static PyObject *Result_get_matches(ResultObject *self, void *Py_UNUSED(c))
{
    if (self->pm && Result_materialize(self, NULL) < 0)
        return NULL;
    return lazy_list(&self->matches);
}

static PyMemberDef Result_members[] = {
    {"action", T_OBJECT, offsetof(ResultObject, action), READONLY,
     "Strongest action among counted matches: 'pass', 'review', 'mask' or 'block'."},
    {"action_code", T_INT, offsetof(ResultObject, action_code), READONLY,
     "The action as its C value (0 pass .. 3 block), for ordering."},
    {"severity", T_INT, offsetof(ResultObject, severity), READONLY,
     "Highest severity among counted matches (0 if none)."},
    {"truncated", T_BOOL, offsetof(ResultObject, truncated), READONLY,
     "True if more matches existed than the profile's max_matches allows (the verdict\n"
     "covers the reported ones)."},
    {"fingerprint", T_OBJECT, offsetof(ResultObject, fingerprint), READONLY,
     "Fingerprint of the database that produced this result."},
    {"db_version", T_ULONGLONG, offsetof(ResultObject, db_version), READONLY,
     "Handle.version of that database for scans through a Handle, else 0."},
    {NULL}};

static PyGetSetDef Result_getset[] = {
    {"flagged", (getter)Result_get_flagged, NULL, "True unless the action is 'pass'.", NULL},
    {"categories", (getter)Result_get_categories, NULL,
     "Sorted distinct categories of counted matches (list of str).", NULL},
    {"matches", (getter)Result_get_matches, NULL,
     "Every deny match (suppressed ones included), sorted by (start, end, entry).", NULL},
    {NULL}};

static PyNumberMethods Result_as_number = {
    .nb_bool = (inquiry)Result_bool,
};

static PySequenceMethods Result_as_sequence = {
    .sq_length = (lenfunc)Result_len,
};

static PyTypeObject ResultType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Result",
    .tp_basicsize = sizeof(ResultObject),
    .tp_dealloc = (destructor)Result_dealloc,
    .tp_repr = (reprfunc)Result_repr,
    .tp_as_number = &Result_as_number,
    .tp_as_sequence = &Result_as_sequence,
    .tp_iter = (getiterfunc)Result_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Verdict of one scan (read-only).\n\n"
              "bool(result) is True when the verdict asks for something (action is not\n"
              "'pass'); len(result) and iter(result) are the matches behind the verdict:\n"
              "not suppressed by an allow entry and with an action other than 'pass'. So\n"
              "`if db.scan(msg):` means 'act on this message', and bool(result) ==\n"
              "(len(result) > 0). .matches has every match, suppressed ones included.",
    .tp_traverse = (traverseproc)Result_traverse,
    .tp_clear = (inquiry)Result_clear,
    .tp_richcompare = Result_richcompare,
    .tp_members = Result_members,
    .tp_getset = Result_getset,
    .tp_hash = PyObject_HashNotImplemented,
};

/* ------------------------------------------------------------------------ */
/* Profile                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * An immutable screener_profile: the rules are validated and copied once, at
 * construction, so a scan with a profile costs one pointer comparison when
 * the pooled scratch already has it, else one screener_scratch_set_profile().
 */
typedef struct {
    PyObject_HEAD
    screener_profile prof;
    screener_profile_rule *rules; /* prof.rules; category strings point into names */
    PyObject *names;              /* tuple of bytes (UTF-8 category names) kept alive */
    PyObject *rules_tuple;        /* tuple of (category | None, severity, action name) */
} ProfileObject;

#define PROFILE_DROP_NAME "drop"

/* Action name -> SCREENER_ACTION_* or SCREENER_PROFILE_DROP; -2 if unknown. */
static int action_from_name(PyObject *name)
{
    for (int a = 0; a <= SCREENER_ACTION_BLOCK; a++)
        if (PyUnicode_Compare(name, g_action_names[a]) == 0)
            return a;
    if (PyUnicode_CompareWithASCIIString(name, PROFILE_DROP_NAME) == 0)
        return SCREENER_PROFILE_DROP;
    return -2;
}

static int severity_arg(PyObject *o, const char *what, unsigned *out)
{
    if (!PyLong_Check(o) || PyBool_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.200s", what, Py_TYPE(o)->tp_name);
        return -1;
    }
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError))
            return -1;
        PyErr_Clear();
        v = -1;
    }
    if (v < 0 || v > 4) {
        PyErr_Format(PyExc_ValueError, "%s must be 0 (every severity) or 1..4, not %R", what, o);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* One rule (category | None, severity, action) -> r; the category's UTF-8
 * bytes are appended to names. */
static int profile_rule(PyObject *item, Py_ssize_t i, screener_profile_rule *r, PyObject *names,
                        PyObject **norm)
{
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
        PyErr_Format(PyExc_TypeError,
                     "rules[%zd] must be a (category, severity, action) tuple, not %R", i, item);
        return -1;
    }
    PyObject *cat = PyTuple_GET_ITEM(item, 0), *sev = PyTuple_GET_ITEM(item, 1),
             *act = PyTuple_GET_ITEM(item, 2);
    r->category = NULL;
    if (cat != Py_None) {
        if (!PyUnicode_Check(cat)) {
            PyErr_Format(PyExc_TypeError, "rules[%zd]: category must be a str or None, not %.200s",
                         i, Py_TYPE(cat)->tp_name);
            return -1;
        }
        PyObject *b = PyUnicode_AsUTF8String(cat);
        if (!b)
            return -1;
        if ((size_t)PyBytes_GET_SIZE(b) != strlen(PyBytes_AS_STRING(b))) {
            Py_DECREF(b);
            PyErr_Format(PyExc_ValueError, "rules[%zd]: embedded NUL in category", i);
            return -1;
        }
        int rc = PyList_Append(names, b);
        Py_DECREF(b);
        if (rc < 0)
            return -1;
        r->category = PyBytes_AS_STRING(b); /* kept alive by names */
    }
    char what[48];
    snprintf(what, sizeof what, "rules[%zd]: severity", i);
    if (severity_arg(sev, what, &r->severity) < 0)
        return -1;
    if (!PyUnicode_Check(act)) {
        PyErr_Format(PyExc_TypeError, "rules[%zd]: action must be a str, not %.200s", i,
                     Py_TYPE(act)->tp_name);
        return -1;
    }
    r->action = action_from_name(act);
    if (r->action == -2) {
        PyErr_Format(PyExc_ValueError,
                     "rules[%zd]: unknown action %R (pass, review, mask, block or drop)", i, act);
        return -1;
    }
    *norm = Py_BuildValue("(OIN)", cat, r->severity,
                          r->action == SCREENER_PROFILE_DROP
                              ? PyUnicode_InternFromString(PROFILE_DROP_NAME)
                              : (Py_INCREF(g_action_names[r->action]), g_action_names[r->action]));
    return *norm ? 0 : -1;
}

static void Profile_dealloc(ProfileObject *self)
{
    PyMem_Free(self->rules);
    Py_XDECREF(self->names);
    Py_XDECREF(self->rules_tuple);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Profile_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"rules", "min_severity", "max_matches", "disable", NULL};
    PyObject *rules = NULL, *minsev = NULL, *disable = NULL, *seq = NULL, *dseq = NULL;
    Py_ssize_t max_matches = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OOnO:Profile", kwlist, &rules, &minsev,
                                     &max_matches, &disable))
        return NULL;
    if (max_matches < 0) {
        PyErr_SetString(PyExc_ValueError, "max_matches must be >= 0 (0: the library default)");
        return NULL;
    }
    ProfileObject *self = (ProfileObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->prof.struct_size = sizeof self->prof;
    self->prof.max_matches = (size_t)max_matches;
    if (minsev && severity_arg(minsev, "min_severity", &self->prof.min_severity) < 0)
        goto fail;
    if ((rules && (PyUnicode_Check(rules) || PyBytes_Check(rules))) ||
        (disable && (PyUnicode_Check(disable) || PyBytes_Check(disable)))) {
        PyErr_SetString(PyExc_TypeError, "rules and disable are sequences, not one string");
        goto fail;
    }
    seq = rules ? PySequence_Fast(rules, "rules must be a sequence of (category, severity, "
                                         "action) tuples")
                : PyTuple_New(0);
    dseq = disable ? PySequence_Fast(disable, "disable must be a sequence of category names")
                   : PyTuple_New(0);
    if (!seq || !dseq)
        goto fail;
    Py_ssize_t nd = PySequence_Fast_GET_SIZE(dseq), nr = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t n = nd + nr;
    self->names = PyList_New(0);
    self->rules_tuple = PyTuple_New(n);
    self->rules = PyMem_Calloc(n ? (size_t)n : 1, sizeof *self->rules);
    if (!self->names || !self->rules_tuple || !self->rules) {
        PyErr_NoMemory();
        goto fail;
    }
    /* disable=[c, ...] is rules (c, 0, 'drop') placed first, so that explicit
     * rules can still override them. */
    for (Py_ssize_t i = 0; i < nd; i++) {
        PyObject *c = PySequence_Fast_GET_ITEM(dseq, i);
        if (!PyUnicode_Check(c)) {
            PyErr_Format(PyExc_TypeError, "disable[%zd] must be a category name (str), not %.200s",
                         i, Py_TYPE(c)->tp_name);
            goto fail;
        }
        PyObject *t = Py_BuildValue("(Ois)", c, 0, PROFILE_DROP_NAME), *norm = NULL;
        int rc = t ? profile_rule(t, i, &self->rules[i], self->names, &norm) : -1;
        Py_XDECREF(t);
        if (rc < 0)
            goto fail;
        PyTuple_SET_ITEM(self->rules_tuple, i, norm);
    }
    for (Py_ssize_t i = 0; i < nr; i++) {
        PyObject *norm = NULL;
        if (profile_rule(PySequence_Fast_GET_ITEM(seq, i), i, &self->rules[nd + i], self->names,
                         &norm) < 0)
            goto fail;
        PyTuple_SET_ITEM(self->rules_tuple, nd + i, norm);
    }
    self->prof.rules = self->rules;
    self->prof.n_rules = (size_t)n;
    Py_DECREF(seq);
    Py_DECREF(dseq);
    return (PyObject *)self;
fail:
    Py_XDECREF(seq);
    Py_XDECREF(dseq);
    Py_DECREF(self);
    return NULL;
}

static PyObject *Profile_get_rules(ProfileObject *self, void *c)
{
    Py_INCREF(self->rules_tuple);
    return self->rules_tuple;
}

static PyObject *Profile_get_min_severity(ProfileObject *self, void *c)
{
    return PyLong_FromUnsignedLong(self->prof.min_severity);
}

static PyObject *Profile_get_max_matches(ProfileObject *self, void *c)
{
    return PyLong_FromSize_t(self->prof.max_matches);
}

static PyObject *Profile_repr(ProfileObject *self)
{
    return PyUnicode_FromFormat("screener.Profile(rules=%R, min_severity=%u, max_matches=%zu)",
                                self->rules_tuple, self->prof.min_severity,
                                self->prof.max_matches);
}

static PyGetSetDef Profile_getset[] = {
    {"rules", (getter)Profile_get_rules, NULL,
     "The rules as (category or None, severity or 0, action) tuples, disable= ones first.",
     NULL},
    {"min_severity", (getter)Profile_get_min_severity, NULL,
     "Matches below this severity are not reported (0: all).", NULL},
    {"max_matches", (getter)Profile_get_max_matches, NULL,
     "Matches reported per message (0: the library default, 100,000).", NULL},
    {NULL}};

static PyTypeObject ProfileType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Profile",
    .tp_basicsize = sizeof(ProfileObject),
    .tp_dealloc = (destructor)Profile_dealloc,
    .tp_repr = (reprfunc)Profile_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc =
        "Profile(*, rules=(), min_severity=0, max_matches=0, disable=())\n--\n\n"
        "A per-call profile (screener_profile): pass it as profile= to scan(),\n"
        "scan_batch(), mask() or stream() to change what is reported without\n"
        "recompiling (per tenant, per channel).\n\n"
        "rules: (category, severity, action) tuples applied in order, a later one\n"
        "overriding an earlier one. category: a category name, or None for every\n"
        "category; severity: 1..4, or 0 for every severity; action: 'pass',\n"
        "'review', 'mask', 'block' (recommend it instead of the database's policy)\n"
        "or 'drop' (remove those matches from the result). Category names the\n"
        "database does not have are ignored, so one profile fits every database.\n"
        "disable: category names whose matches are dropped (rules placed first).\n"
        "min_severity: matches below it are not reported. max_matches: matches\n"
        "reported per message (0: 100,000); Result.truncated tells when it cut.\n\n"
        "Immutable; share it between threads and calls.",
    .tp_getset = Profile_getset,
    .tp_new = Profile_new,
};

/* The profile= argument: a Profile, or None / absent (NULL). */
static int profile_arg(PyObject *o, PyObject **out)
{
    if (!o || o == Py_None) {
        *out = NULL;
        return 0;
    }
    if (!PyObject_TypeCheck(o, &ProfileType)) {
        PyErr_Format(PyExc_TypeError, "profile must be a screener.Profile or None, not %.200s",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    *out = o;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Database                                                                  */
/* ------------------------------------------------------------------------ */

/* Idle scratches, touched only with the GIL held; prof[i] is the Profile
 * set on s[i] (a strong reference) or NULL for the defaults. */
typedef struct {
    screener_scratch *s[POOL_KEEP];
    PyObject *prof[POOL_KEEP];
    size_t n;
} scratch_pool;

static void pool_free(scratch_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        screener_scratch_free(p->s[i]);
        Py_XDECREF(p->prof[i]);
    }
    PyMem_Free(p);
}

/* What a Handle shares with the Database objects of the versions it served:
 * the screener_handle and the scratch pool. Counted references, touched with
 * the GIL held; freed when the Handle and the last such Database are gone
 * (every pin is released by then). */
typedef struct {
    screener_handle *h;
    scratch_pool *pool;
    Py_ssize_t refs;
} handle_core;

static void core_decref(handle_core *c)
{
    if (c && --c->refs == 0) {
        screener_handle_free(c->h);
        pool_free(c->pool);
        PyMem_Free(c);
    }
}

typedef struct {
    PyObject_HEAD
    screener_db *db;
    PyObject *categories; /* tuple of str, indexed by category id */
    PyObject *fingerprint; /* str */
    PyObject **terms;     /* lazily filled cache of entry terms (str), n_entries */
    uint32_t n_entries;
    scratch_pool *pool;   /* own pool, or the serving Handle's */
    /* A database served by a Handle: db is a pin (screener_handle_acquire)
     * of core->h's database at this version, released when this object
     * goes. NULL for a database of its own. */
    handle_core *core;
    unsigned long long version;
    PyObject *weakreflist;
} DatabaseObject;

/* Wrap a freshly created screener_db (takes ownership, also on failure).
 * With core, db is a pin of core->h's database at version (released on
 * dealloc) and scans use the core's scratch pool. */
static PyObject *Database_wrap_ex(PyTypeObject *type, screener_db *db, handle_core *core,
                                  unsigned long long version)
{
    DatabaseObject *self = (DatabaseObject *)type->tp_alloc(type, 0);
    if (!self) {
        if (core)
            screener_handle_release(core->h, db);
        else
            screener_db_free(db);
        return NULL;
    }
    self->db = db;
    if (core) {
        core->refs++;
        self->core = core;
        self->version = version;
        self->pool = core->pool;
    } else {
        self->pool = PyMem_Calloc(1, sizeof(scratch_pool));
    }
    self->n_entries = screener_db_entry_count(db);
    if (self->n_entries)
        self->terms = PyMem_Calloc(self->n_entries, sizeof(PyObject *));
    if (!self->pool || (self->n_entries && !self->terms)) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->fingerprint = PyUnicode_FromString(screener_db_fingerprint(db));
    if (!self->fingerprint) {
        Py_DECREF(self);
        return NULL;
    }
    uint32_t nc = screener_db_category_count(db);
    self->categories = PyTuple_New(nc);
    if (!self->categories) {
        Py_DECREF(self);
        return NULL;
    }
    for (uint32_t i = 0; i < nc; i++) {
        const char *name = screener_db_category_name(db, i);
        PyObject *s = PyUnicode_DecodeUTF8(name ? name : "", name ? (Py_ssize_t)strlen(name) : 0,
                                           "replace");
        if (!s) {
            Py_DECREF(self);
            return NULL;
        }
        PyUnicode_InternInPlace(&s);
        PyTuple_SET_ITEM(self->categories, i, s);
    }
    if (core)
        return (PyObject *)self; /* the Handle's scratches are re-fitted on use */
    /* One scratch up front, so the first scan does not pay for it. */
    screener_scratch *s = NULL;
    int rc = screener_scratch_alloc(db, &s);
    if (rc != SCREENER_OK) {
        Py_DECREF(self);
        return raise_status(rc, NULL);
    }
    self->pool->s[self->pool->n++] = s;
    return (PyObject *)self;
}

static PyObject *Database_wrap(PyTypeObject *type, screener_db *db)
{
    return Database_wrap_ex(type, db, NULL, 0);
}

static void Database_dealloc(DatabaseObject *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    if (!self->core)
        pool_free(self->pool);
    if (self->terms) {
        for (uint32_t i = 0; i < self->n_entries; i++)
            Py_XDECREF(self->terms[i]);
        PyMem_Free(self->terms);
    }
    Py_XDECREF(self->categories);
    Py_XDECREF(self->fingerprint);
    if (self->core) {
        screener_handle_release(self->core->h, self->db);
        core_decref(self->core);
    } else {
        screener_db_free(self->db);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Database_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    PyErr_SetString(PyExc_TypeError,
                    "use screener.compile(), Database.load() or Database.from_bytes()");
    return NULL;
}

/* Pop an idle scratch (GIL held), allocating one when the pool is empty,
 * with profile (a Profile or NULL for the defaults) set on it. A scratch
 * that already has this profile costs nothing more. */
static screener_scratch *pool_pop(DatabaseObject *self, PyObject *profile)
{
    scratch_pool *p = self->pool;
    screener_scratch *s = NULL;
    PyObject *cur = NULL;
    if (p->n) {
        p->n--;
        s = p->s[p->n];
        cur = p->prof[p->n];
        p->prof[p->n] = NULL;
    } else {
        int rc = screener_scratch_alloc(self->db, &s);
        if (rc != SCREENER_OK) {
            raise_status(rc, NULL);
            return NULL;
        }
    }
    if (cur != profile) {
        int rc = screener_scratch_set_profile(
            s, profile ? &((ProfileObject *)profile)->prof : NULL);
        if (rc != SCREENER_OK) {
            Py_XDECREF(cur);
            screener_scratch_free(s);
            raise_status(rc, NULL);
            return NULL;
        }
    }
    Py_XDECREF(cur);
    return s;
}

/* Give a scratch back (GIL held); profile: what pool_pop set on it. */
static void pool_push(DatabaseObject *self, screener_scratch *s, PyObject *profile)
{
    scratch_pool *p = self->pool;
    if (p->n < POOL_KEEP) {
        Py_XINCREF(profile);
        p->prof[p->n] = profile;
        p->s[p->n++] = s;
    } else {
        screener_scratch_free(s);
    }
}

static PyObject *term_of(DatabaseObject *self, uint32_t id)
{
    if (id >= self->n_entries) {
        PyErr_Format(PyExc_SystemError, "screener: entry id %u out of range", id);
        return NULL;
    }
    PyObject *t = self->terms[id];
    if (!t) {
        screener_entry_info info;
        if (screener_db_entry(self->db, id, &info) != SCREENER_OK) {
            PyErr_Format(PyExc_SystemError, "screener: entry %u not found", id);
            return NULL;
        }
        t = PyUnicode_DecodeUTF8(info.term, (Py_ssize_t)strlen(info.term), "replace");
        if (!t)
            return NULL;
        self->terms[id] = t;
    }
    Py_INCREF(t);
    return t;
}

/* O& converter output: a str from a NUL-terminated UTF-8 string (NULL: ""). */
static PyObject *utf8_or_empty(const char *s)
{
    return PyUnicode_DecodeUTF8(s ? s : "", s ? (Py_ssize_t)strlen(s) : 0, "replace");
}

/* ---- input ------------------------------------------------------------- */

/* A message as bytes. ASCII str and bytes are used in place; a non-ASCII str
 * is flagged need_encode and later encoded (input_encode) into memory the
 * caller provides: a stack buffer for one scan, one arena for a batch. */
typedef struct {
    const char *data;
    Py_ssize_t len;
    PyObject *src;  /* the caller's object (borrowed; the caller keeps it alive) */
    Py_buffer *view; /* held for buffer-protocol input other than bytes, or NULL */
    char is_str;
    char is_ascii;
    char need_encode;
} input_t;

static int input_get(PyObject *o, input_t *in)
{
    in->src = o;
    in->view = NULL;
    in->is_str = 0;
    in->is_ascii = 0;
    in->need_encode = 0;
    if (PyBytes_CheckExact(o)) {
        in->data = PyBytes_AS_STRING(o);
        in->len = PyBytes_GET_SIZE(o);
        return 0;
    }
    if (PyUnicode_Check(o)) {
        in->is_str = 1;
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(o) < 0)
            return -1;
#endif
        if (PyUnicode_IS_ASCII(o)) {
            in->is_ascii = 1;
            in->data = (const char *)PyUnicode_DATA(o);
            in->len = PyUnicode_GET_LENGTH(o);
            return 0;
        }
        in->need_encode = 1;
        in->data = NULL;
        /* upper bound of the UTF-8 size */
        in->len = PyUnicode_GET_LENGTH(o) * (PyUnicode_KIND(o) == PyUnicode_1BYTE_KIND   ? 2
                                             : PyUnicode_KIND(o) == PyUnicode_2BYTE_KIND ? 3
                                                                                         : 4);
        return 0;
    }
    if (PyObject_CheckBuffer(o)) {
        Py_buffer *v = PyMem_Malloc(sizeof *v);
        if (!v) {
            PyErr_NoMemory();
            return -1;
        }
        if (PyObject_GetBuffer(o, v, PyBUF_SIMPLE) < 0) {
            PyMem_Free(v);
            return -1;
        }
        in->view = v;
        in->data = (const char *)v->buf;
        in->len = v->len;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "expected str or a bytes-like object, not %.200s",
                 Py_TYPE(o)->tp_name);
    return -1;
}

/* Encode a need_encode str as UTF-8 into dst (in->len bytes available).
 * Lone surrogates are written as their 3-byte form ("surrogatepass"): the
 * library sees invalid UTF-8 there and treats it as U+FFFD, so a str that
 * Python cannot encode still scans instead of raising. */
static void input_encode(input_t *in, char *dst)
{
    PyObject *o = in->src;
    const void *d = PyUnicode_DATA(o);
    Py_ssize_t n = PyUnicode_GET_LENGTH(o);
    unsigned char *p = (unsigned char *)dst;
    switch (PyUnicode_KIND(o)) {
    case PyUnicode_1BYTE_KIND: {
        const Py_UCS1 *s = d;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS1 c = s[i];
            if (c < 0x80) {
                *p++ = c;
            } else {
                *p++ = (unsigned char)(0xC0 | (c >> 6));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            }
        }
        break;
    }
    case PyUnicode_2BYTE_KIND: {
        const Py_UCS2 *s = d;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS2 c = s[i];
            if (c < 0x80) {
                *p++ = (unsigned char)c;
            } else if (c < 0x800) {
                *p++ = (unsigned char)(0xC0 | (c >> 6));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            } else {
                *p++ = (unsigned char)(0xE0 | (c >> 12));
                *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            }
        }
        break;
    }
    default: {
        const Py_UCS4 *s = d;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = s[i];
            if (c < 0x80) {
                *p++ = (unsigned char)c;
            } else if (c < 0x800) {
                *p++ = (unsigned char)(0xC0 | (c >> 6));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                *p++ = (unsigned char)(0xE0 | (c >> 12));
                *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            } else {
                *p++ = (unsigned char)(0xF0 | (c >> 18));
                *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
                *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (unsigned char)(0x80 | (c & 0x3F));
            }
        }
        break;
    }
    }
    in->data = dst;
    in->len = (Py_ssize_t)(p - (unsigned char *)dst);
    in->need_encode = 0;
}

static void input_release(input_t *in)
{
    if (in->view) {
        PyBuffer_Release(in->view);
        PyMem_Free(in->view);
        in->view = NULL;
    }
}

/* Code points in a well-formed UTF-8 span: bytes that are not continuations. */
static Py_ssize_t count_cp(const unsigned char *p, size_t n)
{
    size_t cont = 0, i = 0;
    /* 8 bytes at a time: a continuation byte has bit 7 set and bit 6 clear. */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        cont += (size_t)__builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ull);
    }
    for (; i < n; i++)
        cont += (p[i] & 0xC0) == 0x80;
    return (Py_ssize_t)(n - cont);
}

/* ---- result building --------------------------------------------------- */

/* Turn the pending matches into the .categories and .matches lists. copy_from:
 * the input bytes when the input was a mutable buffer (Match.text is copied
 * now), else NULL (Match.text is sliced from src on access). */
static int Result_materialize(ResultObject *res, const char *copy_from)
{
    DatabaseObject *self = (DatabaseObject *)res->db;
    Py_ssize_t ncat = PyTuple_GET_SIZE(self->categories);
    PyObject *cats = PyList_New(res->n_cat);
    PyObject *ms = cats ? PyList_New(res->n_pm) : NULL;
    if (!ms)
        goto fail;
    for (Py_ssize_t i = 0; i < res->n_cat; i++) {
        uint32_t c = res->cat_ids[i];
        if ((Py_ssize_t)c >= ncat) {
            PyErr_Format(PyExc_SystemError, "screener: category id %u out of range", c);
            goto fail;
        }
        PyObject *name = PyTuple_GET_ITEM(self->categories, c);
        Py_INCREF(name);
        PyList_SET_ITEM(cats, i, name);
    }
    for (Py_ssize_t i = 0; i < res->n_pm; i++) {
        const pending_match *m = &res->pm[i];
        MatchObject *mo = PyObject_New(MatchObject, &MatchType);
        if (!mo)
            goto fail;
        mo->term = mo->category = mo->action = mo->text = mo->src = NULL;
        PyList_SET_ITEM(ms, i, (PyObject *)mo);
        mo->start = m->start;
        mo->end = m->end;
        mo->base = res->base;
        mo->severity = m->severity;
        mo->suppressed = (m->flags & SCREENER_MATCH_SUPPRESSED) != 0;
        mo->selected = (m->flags & SCREENER_MATCH_SELECTED) != 0;
        mo->entry_id = m->entry_id;
        mo->category_id = m->category_id;
        mo->action = g_action_names[m->action];
        Py_INCREF(mo->action);
        if ((Py_ssize_t)m->category_id >= ncat) {
            PyErr_Format(PyExc_SystemError, "screener: category id %u out of range",
                         m->category_id);
            goto fail;
        }
        mo->category = PyTuple_GET_ITEM(self->categories, m->category_id);
        Py_INCREF(mo->category);
        mo->term = term_of(self, m->entry_id);
        if (!mo->term)
            goto fail;
        if (copy_from) {
            mo->text = PyBytes_FromStringAndSize(copy_from + (m->start - res->base),
                                                 m->end - m->start);
            if (!mo->text)
                goto fail;
        } else {
            mo->src = res->src;
            Py_INCREF(mo->src);
        }
    }
    Py_XSETREF(res->categories, cats);
    Py_XSETREF(res->matches, ms);
    Result_drop_pending(res);
    return 0;
fail:
    Py_XDECREF(cats);
    Py_XDECREF(ms);
    return -1;
}

/* Build the Result of one message from the C result (GIL held, scratch still
 * ours): verdict now, matches and categories copied into one pending block.
 * in holds the input from byte offset byte_base on (0 except for streams,
 * whose offsets are global), and unit_base is that offset in the caller's
 * unit (code points for str). */
static PyObject *build_result_at(DatabaseObject *self, const screener_result *r,
                                 const input_t *in, unsigned long long version,
                                 size_t byte_base, Py_ssize_t unit_base)
{
    ResultObject *res = PyObject_GC_New(ResultObject, &ResultType);
    if (!res)
        return NULL;
    res->categories = res->matches = NULL;
    res->pm = NULL;
    res->cat_ids = NULL;
    res->n_pm = res->n_cat = 0;
    res->db = res->src = NULL;
    res->truncated = r->truncated != 0;
    res->n_hits = 0;
    res->base = unit_base;
    res->fingerprint = self->fingerprint;
    Py_INCREF(res->fingerprint);
    res->db_version = version;
    int act = r->action;
    if (act < 0 || act > 3)
        act = SCREENER_ACTION_BLOCK;
    res->action_code = act;
    res->severity = (int)r->severity;
    res->action = g_action_names[act];
    Py_INCREF(res->action);
    PyObject_GC_Track(res);
    if (r->n_matches == 0 && r->n_categories == 0)
        return (PyObject *)res;

    size_t nm = r->n_matches, nc = r->n_categories;
    if (nm > (size_t)PY_SSIZE_T_MAX / 2 / sizeof(pending_match)) {
        PyErr_NoMemory();
        goto fail;
    }
    res->pm = PyMem_Malloc(nm * sizeof(pending_match) + nc * sizeof(uint32_t) + 1);
    if (!res->pm) {
        PyErr_NoMemory();
        goto fail;
    }
    res->cat_ids = (uint32_t *)(void *)(res->pm + nm);
    res->n_pm = (Py_ssize_t)nm;
    res->n_cat = (Py_ssize_t)nc;
    if (nc)
        memcpy(res->cat_ids, r->categories, nc * sizeof(uint32_t));

    const unsigned char *data = (const unsigned char *)in->data;
    size_t len = (size_t)in->len;
    int convert = in->is_str && !in->is_ascii;
    size_t bpos = 0;
    Py_ssize_t cpos = 0;
    for (size_t i = 0; i < nm; i++) {
        const screener_match *m = &r->matches[i];
        pending_match *p = &res->pm[i];
        if (m->start < byte_base) {
            PyErr_Format(PyExc_SystemError,
                         "screener: stream match at byte %zu before the kept text (%zu)",
                         m->start, byte_base);
            goto fail;
        }
        size_t bs = m->start - byte_base <= len ? m->start - byte_base : len;
        size_t be = m->end - byte_base <= len ? m->end - byte_base : len;
        if (be < bs)
            be = bs;
        if (convert) { /* byte offsets -> code point indices, one pass */
            if (bs < bpos) { /* not sorted by start: recount from the beginning */
                bpos = 0;
                cpos = 0;
            }
            cpos += count_cp(data + bpos, bs - bpos);
            bpos = bs;
            p->start = unit_base + cpos;
            p->end = unit_base + cpos + count_cp(data + bs, be - bs);
        } else {
            p->start = unit_base + (Py_ssize_t)bs;
            p->end = unit_base + (Py_ssize_t)be;
        }
        p->entry_id = m->entry_id;
        p->category_id = m->category_id;
        p->severity = m->severity;
        p->action = m->action <= 3 ? m->action : SCREENER_ACTION_BLOCK;
        p->flags = m->flags;
        if (!(m->flags & SCREENER_MATCH_SUPPRESSED) && p->action != SCREENER_ACTION_PASS)
            res->n_hits++;
    }
    res->db = (PyObject *)self;
    Py_INCREF(res->db);
    res->src = in->src;
    Py_INCREF(res->src);
    /* A mutable buffer may change after the call: materialize (copy) now. */
    if (!in->is_str && !PyBytes_CheckExact(in->src) && Result_materialize(res, in->data) < 0)
        goto fail;
    return (PyObject *)res;
fail:
    Py_DECREF(res);
    return NULL;
}

static PyObject *build_result(DatabaseObject *self, const screener_result *r, const input_t *in,
                              unsigned long long version)
{
    return build_result_at(self, r, in, version, 0, 0);
}

/* ---- scanning ---------------------------------------------------------- */

static PyObject *db_scan(DatabaseObject *self, PyObject *arg, PyObject *profile)
{
    input_t in;
    char stackbuf[2048], *heap = NULL;
    if (input_get(arg, &in) < 0)
        return NULL;
    if (in.need_encode) {
        char *dst = stackbuf;
        if ((size_t)in.len > sizeof stackbuf && !(dst = heap = PyMem_Malloc((size_t)in.len)))
            return PyErr_NoMemory();
        input_encode(&in, dst);
    }
    screener_scratch *s = pool_pop(self, profile);
    if (!s) {
        input_release(&in);
        PyMem_Free(heap);
        return NULL;
    }
    const screener_result *r = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_scan(self->db, s, in.data, (size_t)in.len, &r);
    Py_END_ALLOW_THREADS
    PyObject *out =
        rc == SCREENER_OK ? build_result(self, r, &in, self->version) : raise_status(rc, NULL);
    pool_push(self, s, profile);
    input_release(&in);
    PyMem_Free(heap);
    return out;
}

static PyObject *db_scan_batch(DatabaseObject *self, PyObject *arg, PyObject *profile)
{
    /* A tuple copy: the messages stay alive and in place even if a buffer
     * exporter's code mutates the caller's list while we collect pointers. */
    if (PyUnicode_Check(arg) || PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError,
                        "scan_batch() expects a sequence of messages, not one message");
        return NULL;
    }
    PyObject *seq = PySequence_Tuple(arg);
    if (!seq)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    PyObject **items = &PyTuple_GET_ITEM(seq, 0);
    PyObject *out = NULL;
    input_t *ins = NULL;
    screener_message *msgs = NULL;
    screener_scratch *s = NULL;
    char *arena = NULL;
    Py_ssize_t got = 0;
    out = PyList_New(n);
    if (!out || n == 0)
        goto done;
    ins = PyMem_Malloc((size_t)n * sizeof *ins);
    msgs = PyMem_Malloc((size_t)n * sizeof *msgs);
    if (!ins || !msgs) {
        PyErr_NoMemory();
        goto fail;
    }
    size_t arena_size = 0;
    for (; got < n; got++) {
        if (input_get(items[got], &ins[got]) < 0)
            goto fail;
        if (ins[got].need_encode)
            arena_size += (size_t)ins[got].len;
    }
    if (arena_size) { /* one allocation for all the non-ASCII str messages */
        arena = PyMem_Malloc(arena_size);
        if (!arena) {
            PyErr_NoMemory();
            goto fail;
        }
        char *p = arena;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (ins[i].need_encode) {
                input_encode(&ins[i], p);
                p += ins[i].len;
            }
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        msgs[i].text = ins[i].data;
        msgs[i].len = (size_t)ins[i].len;
    }
    s = pool_pop(self, profile);
    if (!s)
        goto fail;
    const screener_result *rs = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_scan_batch(self->db, s, msgs, (size_t)n, &rs);
    Py_END_ALLOW_THREADS
    if (rc != SCREENER_OK) {
        raise_status(rc, NULL);
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *r = build_result(self, &rs[i], &ins[i], self->version);
        if (!r)
            goto fail;
        PyList_SET_ITEM(out, i, r);
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    if (s)
        pool_push(self, s, profile);
    for (Py_ssize_t i = 0; i < got; i++)
        input_release(&ins[i]);
    PyMem_Free(arena);
    PyMem_Free(ins);
    PyMem_Free(msgs);
    Py_DECREF(seq);
    return out;
}

/* The arguments of scan(text, /, *, profile=None) and scan_batch(): one
 * positional argument and an optional profile keyword, parsed without
 * building a dict (the common call has no keyword at all). */
static int text_profile_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames, PyObject **text, PyObject **profile)
{
    *profile = NULL;
    if (nargs != 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly one positional argument (%zd given)",
                     fname, nargs);
        return -1;
    }
    *text = args[0];
    Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nk; i++) {
        PyObject *k = PyTuple_GET_ITEM(kwnames, i);
        if (PyUnicode_CompareWithASCIIString(k, "profile") != 0) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument %R", fname, k);
            return -1;
        }
        if (profile_arg(args[nargs + i], profile) < 0)
            return -1;
    }
    return 0;
}

static PyObject *Database_scan(DatabaseObject *self, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames)
{
    PyObject *text, *profile;
    if (text_profile_args("scan", args, nargs, kwnames, &text, &profile) < 0)
        return NULL;
    return db_scan(self, text, profile);
}

static PyObject *Database_scan_batch(DatabaseObject *self, PyObject *const *args,
                                     Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *msgs, *profile;
    if (text_profile_args("scan_batch", args, nargs, kwnames, &msgs, &profile) < 0)
        return NULL;
    return db_scan_batch(self, msgs, profile);
}

/* mask(text, /, *, mask_char="*", all=False, profile=None) -> same type as
 * text (bytes for buffers) */
static PyObject *Database_mask(DatabaseObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"", "mask_char", "all", "profile", NULL};
    PyObject *arg, *mc = NULL, *prof_o = NULL, *profile;
    int all = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$UpO:mask", kwlist, &arg, &mc, &all, &prof_o))
        return NULL;
    if (profile_arg(prof_o, &profile) < 0)
        return NULL;
    Py_UCS4 ch = '*';
    if (mc) {
        if (PyUnicode_GET_LENGTH(mc) != 1) {
            PyErr_SetString(PyExc_ValueError, "mask_char must be one character");
            return NULL;
        }
        ch = PyUnicode_READ_CHAR(mc, 0);
        if (ch >= 0xD800 && ch <= 0xDFFF) {
            PyErr_SetString(PyExc_ValueError, "mask_char must not be a surrogate");
            return NULL;
        }
        /* The C library reads 0 as "the default '*'": a NUL asked for
         * explicitly would be silently replaced. */
        if (ch == 0) {
            PyErr_SetString(PyExc_ValueError, "mask_char must not be NUL (U+0000)");
            return NULL;
        }
    }
    input_t in;
    char *heap = NULL;
    if (input_get(arg, &in) < 0)
        return NULL;
    if (in.need_encode) {
        if (!(heap = PyMem_Malloc((size_t)in.len)))
            return PyErr_NoMemory();
        input_encode(&in, heap);
    }
    screener_scratch *s = pool_pop(self, profile);
    if (!s) {
        input_release(&in);
        PyMem_Free(heap);
        return NULL;
    }
    char *out = NULL;
    size_t n = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_mask(self->db, s, in.data, (size_t)in.len,
                       all ? SCREENER_MASK_ALL : SCREENER_MASK_BY_ACTION, (uint32_t)ch, &out, &n);
    Py_END_ALLOW_THREADS
    pool_push(self, s, profile);
    int is_str = in.is_str;
    input_release(&in);
    PyMem_Free(heap);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *o = is_str ? PyUnicode_DecodeUTF8(out, (Py_ssize_t)n, "surrogatepass")
                         : PyBytes_FromStringAndSize(out, (Py_ssize_t)n);
    screener_free(out);
    return o;
}

static PyObject *Database_info(DatabaseObject *self, PyObject *Py_UNUSED(ignored))
{
    screener_db_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    int rc = screener_db_get_info(self->db, &info);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *d = Py_BuildValue(
        "{sIsIszszsIszsIsIsIsnsnsnsn}", "format_version", info.format_version,
        "library_version", info.library_version, "hyperscan_version", info.hyperscan_version,
        "icu_version", info.icu_version, "fold_flags", info.fold_flags, "fingerprint",
        info.fingerprint, "n_entries", info.n_entries, "n_literals", info.n_literals,
        "n_categories", info.n_categories, "serialized_size", (Py_ssize_t)info.serialized_size,
        "hyperscan_size", (Py_ssize_t)info.hyperscan_size, "fold_table_size",
        (Py_ssize_t)info.fold_table_size, "fold_table_unpacked_size",
        (Py_ssize_t)info.fold_table_unpacked_size);
    if (!d)
        return NULL;
    static const char *const sig_names[] = {"none", "unverified", "verified"};
    PyObject *sig = PyUnicode_FromString(
        info.signature >= 0 && info.signature <= 2 ? sig_names[info.signature] : "unknown");
    PyObject *kid = info.signature_key_id ? PyUnicode_FromString(info.signature_key_id)
                                          : (Py_INCREF(Py_None), Py_None);
    if (!sig || !kid || PyDict_SetItemString(d, "signature", sig) < 0 ||
        PyDict_SetItemString(d, "signature_key_id", kid) < 0)
        Py_CLEAR(d);
    Py_XDECREF(sig);
    Py_XDECREF(kid);
    return d;
}

static PyObject *Database_fold(DatabaseObject *self, PyObject *arg)
{
    input_t in;
    char *heap = NULL;
    if (input_get(arg, &in) < 0)
        return NULL;
    if (in.need_encode) {
        if (!(heap = PyMem_Malloc((size_t)in.len ? (size_t)in.len : 1)))
            return PyErr_NoMemory();
        input_encode(&in, heap);
    }
    char *buf = NULL;
    size_t n = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_fold_utf8(self->db, in.data, (size_t)in.len, &buf, &n);
    Py_END_ALLOW_THREADS
    input_release(&in);
    PyMem_Free(heap);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *o = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)n, "surrogatepass");
    screener_free(buf);
    return o;
}

static PyObject *Database_entry(DatabaseObject *self, PyObject *arg)
{
    unsigned long id = PyLong_AsUnsignedLong(arg);
    if (id == (unsigned long)-1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            goto bad;
        }
        return NULL;
    }
    if (id >= self->n_entries)
        goto bad;
    screener_entry_info info;
    int rc = screener_db_entry(self->db, (uint32_t)id, &info);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *term = term_of(self, (uint32_t)id);
    if (!term)
        return NULL;
    PyObject *r = PyObject_CallFunction(
        g_Entry, "kNs#IIIO&Iz", id, term, info.category, (Py_ssize_t)strlen(info.category),
        info.category_id, info.severity, info.flags, PyUnicode_DecodeFSDefault,
        info.source ? info.source : "", info.line,
        screener_db_entry_reason(self->db, (uint32_t)id));
    return r;
bad:
    PyErr_Format(PyExc_IndexError, "entry id out of range (database has %u entries)",
                 self->n_entries);
    return NULL;
}

/* category(key, /) -> Category: key is a category id (int) or identifier (str). */
static PyObject *Database_category(DatabaseObject *self, PyObject *key)
{
    uint32_t id;
    if (PyUnicode_Check(key)) {
        const char *name = PyUnicode_AsUTF8(key);
        if (!name)
            return NULL;
        if (screener_db_find_category(self->db, name, &id) != SCREENER_OK) {
            PyErr_Format(PyExc_KeyError, "no category %R in this database (it has %R)", key,
                         self->categories);
            return NULL;
        }
    } else if (PyLong_Check(key) && !PyBool_Check(key)) {
        long v = PyLong_AsLong(key);
        if (v == -1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                return NULL;
            PyErr_Clear();
        }
        if (v < 0 || v >= (long)PyTuple_GET_SIZE(self->categories)) {
            PyErr_Format(PyExc_IndexError, "category id %R out of range (database has %zd)",
                         key, PyTuple_GET_SIZE(self->categories));
            return NULL;
        }
        id = (uint32_t)v;
    } else {
        PyErr_Format(PyExc_TypeError, "category() takes a category id (int) or name (str), "
                     "not %.200s", Py_TYPE(key)->tp_name);
        return NULL;
    }
    screener_category_info ci;
    int rc = screener_db_category(self->db, id, &ci);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *acts = PyTuple_New(4);
    if (!acts)
        return NULL;
    for (int i = 0; i < 4; i++) {
        int a = ci.actions[i] <= SCREENER_ACTION_BLOCK ? ci.actions[i] : SCREENER_ACTION_BLOCK;
        Py_INCREF(g_action_names[a]);
        PyTuple_SET_ITEM(acts, i, g_action_names[a]);
    }
    return PyObject_CallFunction(g_Category, "IOO&O&N", id,
                                 PyTuple_GET_ITEM(self->categories, id), utf8_or_empty,
                                 ci.name_zh, utf8_or_empty, ci.name_en, acts);
}

/* ---- serialization ----------------------------------------------------- */

static PyObject *Database_to_bytes(DatabaseObject *self, PyObject *Py_UNUSED(ignored))
{
    void *buf = NULL;
    size_t n = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_db_serialize(self->db, &buf, &n);
    Py_END_ALLOW_THREADS
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    PyObject *o = PyBytes_FromStringAndSize(buf, (Py_ssize_t)n);
    screener_free(buf);
    return o;
}

static PyObject *Database_save(DatabaseObject *self, PyObject *arg)
{
    PyObject *path = NULL;
    if (!PyUnicode_FSConverter(arg, &path))
        return NULL;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_db_save(self->db, PyBytes_AS_STRING(path), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (rc != SCREENER_OK)
        return raise_status(rc, err);
    Py_RETURN_NONE;
}

static PyObject *db_from_bytes(PyTypeObject *type, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_db_deserialize(view.buf, (size_t)view.len, &db, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (rc != SCREENER_OK)
        return raise_status(rc, err);
    return Database_wrap(type, db);
}

static PyObject *Database_from_bytes(PyObject *cls, PyObject *arg)
{
    return db_from_bytes((PyTypeObject *)cls, arg);
}

/* Read the public key files of trusted_keys (an iterable of paths, or
 * None) into keys[*n]; 0, or -1 with an exception set (keys freed). */
#define MAX_TRUSTED_KEYS 64
static int load_trusted_keys(PyObject *trusted, screener_key **keys, size_t *n)
{
    *n = 0;
    if (!trusted || trusted == Py_None)
        return 0;
    if (PyUnicode_Check(trusted) || PyBytes_Check(trusted)) {
        PyErr_SetString(PyExc_TypeError, "trusted_keys is a list of public key file paths");
        return -1;
    }
    PyObject *seq = PySequence_Fast(trusted, "trusted_keys must be an iterable of paths");
    if (!seq)
        return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq);
    if (len > MAX_TRUSTED_KEYS) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "at most %d trusted keys", MAX_TRUSTED_KEYS);
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *path = NULL;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &path))
            goto fail;
        screener_error *err = NULL;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = screener_key_load(PyBytes_AS_STRING(path), SCREENER_KEY_PUBLIC, &keys[*n], &err);
        Py_END_ALLOW_THREADS
        Py_DECREF(path);
        if (rc != SCREENER_OK) {
            raise_status(rc, err);
            goto fail;
        }
        (*n)++;
    }
    Py_DECREF(seq);
    return 0;
fail:
    Py_DECREF(seq);
    while (*n > 0)
        screener_key_free(keys[--*n]);
    return -1;
}

/* The arguments (path, *, trusted_keys=None) of Database.load and
 * Handle.load: the file loaded into *db_out, or, with h, into the handle
 * (screener_handle_load_ex). 0, or -1 with an exception set. */
static int load_db(PyObject *args, PyObject *kw, screener_handle *h, screener_db **db_out)
{
    static char *kwlist[] = {"path", "trusted_keys", NULL};
    PyObject *path = NULL, *trusted = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|$O:load", kwlist, PyUnicode_FSConverter,
                                     &path, &trusted))
        return -1;
    screener_key *keys[MAX_TRUSTED_KEYS];
    size_t n = 0;
    if (load_trusted_keys(trusted, keys, &n) < 0) {
        Py_DECREF(path);
        return -1;
    }
    screener_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.struct_size = sizeof lo;
    lo.trusted_keys = (const screener_key *const *)keys;
    lo.n_trusted_keys = n;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = h ? screener_handle_load_ex(h, PyBytes_AS_STRING(path), &lo, &err)
           : screener_db_load_ex(PyBytes_AS_STRING(path), &lo, db_out, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    while (n > 0)
        screener_key_free(keys[--n]);
    if (rc != SCREENER_OK) {
        raise_status(rc, err);
        return -1;
    }
    return 0;
}

static PyObject *Database_load(PyObject *cls, PyObject *args, PyObject *kw)
{
    screener_db *db = NULL;
    return load_db(args, kw, NULL, &db) == 0 ? Database_wrap((PyTypeObject *)cls, db) : NULL;
}

static PyObject *mod_db_from_bytes(PyObject *mod, PyObject *arg)
{
    return db_from_bytes(&DatabaseType, arg);
}

static PyObject *Database_reduce(DatabaseObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = Database_to_bytes(self, NULL);
    if (!b)
        return NULL;
    PyObject *mod = PyImport_ImportModule("screener._screener");
    PyObject *fn = mod ? PyObject_GetAttrString(mod, "_db_from_bytes") : NULL;
    Py_XDECREF(mod);
    if (!fn) {
        Py_DECREF(b);
        return NULL;
    }
    return Py_BuildValue("(N(N))", fn, b);
}

/* ---- properties -------------------------------------------------------- */

static PyObject *Database_get_fingerprint(DatabaseObject *self, void *c)
{
    Py_INCREF(self->fingerprint);
    return self->fingerprint;
}

static PyObject *Database_get_categories(DatabaseObject *self, void *c)
{
    Py_INCREF(self->categories);
    return self->categories;
}

static PyObject *Database_get_fold_flags(DatabaseObject *self, void *c)
{
    uint32_t f = screener_db_fold_flags(self->db) & SCREENER_FOLD_ALL;
    return PyObject_CallFunction(g_Fold, "I", (unsigned)f);
}

static PyObject *Database_get_entry_count(DatabaseObject *self, void *c)
{
    return PyLong_FromUnsignedLong(self->n_entries);
}

static Py_ssize_t Database_len(DatabaseObject *self)
{
    return (Py_ssize_t)self->n_entries;
}

static PyObject *Database_repr(DatabaseObject *self)
{
    return PyUnicode_FromFormat("<screener.Database entries=%u categories=%zd fingerprint=%s>",
                                self->n_entries, PyTuple_GET_SIZE(self->categories),
                                screener_db_fingerprint(self->db));
}

static PyObject *Database_stream(DatabaseObject *self, PyObject *args, PyObject *kw);

static PyMethodDef Database_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Database_scan, METH_FASTCALL | METH_KEYWORDS,
     "scan($self, text, /, *, profile=None)\n--\n\n"
     "Scan one message (str, or bytes-like: any bytes, invalid UTF-8 included) and\n"
     "return its Result. Match offsets are code point indices for str, byte offsets\n"
     "for bytes. profile: a Profile for this call (None: the database's policy).\n"
     "Releases the GIL."},
    {"scan_batch", (PyCFunction)(void (*)(void))Database_scan_batch,
     METH_FASTCALL | METH_KEYWORDS,
     "scan_batch($self, messages, /, *, profile=None)\n--\n\n"
     "Scan a sequence of messages with one C call (screener_scan_batch); a list of\n"
     "Result, one per message. Releases the GIL."},
    {"mask", (PyCFunction)(void (*)(void))Database_mask, METH_VARARGS | METH_KEYWORDS,
     "mask($self, text, /, *, mask_char='*', all=False, profile=None)\n--\n\n"
     "Scan and return the text with matched spans replaced, one mask_char per\n"
     "original character (str in, str out; bytes-like in, bytes out). By default the\n"
     "matches whose action is mask or block; all=True: every unsuppressed match.\n"
     "Releases the GIL."},
    {"stream", (PyCFunction)(void (*)(void))Database_stream, METH_VARARGS | METH_KEYWORDS,
     "stream($self, /, *, profile=None)\n--\n\n"
     "A Stream for text that arrives in chunks (screener_stream): write() each\n"
     "chunk, then close(); together they report what one scan() of the whole text\n"
     "reports. Usable as a context manager."},
    {"info", (PyCFunction)Database_info, METH_NOARGS,
     "info($self, /)\n--\n\n"
     "What the database says about itself (versions, sizes, counts), as a dict."},
    {"fold", (PyCFunction)Database_fold, METH_O,
     "fold($self, text, /)\n--\n\n"
     "The text folded the way scans see it (for explaining decisions; not for the\n"
     "hot path)."},
    {"entry", (PyCFunction)Database_entry, METH_O,
     "entry($self, entry_id, /)\n--\n\n"
     "Metadata of a dictionary entry (Match.entry_id) as an Entry: term, category,\n"
     "severity, flags, source file and line, and the reason of a generated form."},
    {"category", (PyCFunction)Database_category, METH_O,
     "category($self, key, /)\n--\n\n"
     "A category by id (int) or identifier (str), as a Category: id, name, display\n"
     "names (Chinese, English) and the actions its policy recommends for severity\n"
     "1..4. KeyError / IndexError if the database has no such category."},
    {"to_bytes", (PyCFunction)Database_to_bytes, METH_NOARGS,
     "to_bytes($self, /)\n--\n\nSerialize the database (checksummed)."},
    {"save", (PyCFunction)Database_save, METH_O,
     "save($self, path, /)\n--\n\nWrite the database to a file (atomically)."},
    {"load", (PyCFunction)(void (*)(void))Database_load, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "load($type, path, *, trusted_keys=None)\n--\n\n"
     "Load a database file written by save() or `screener compile`. Without\n"
     "trusted_keys only load files you trust. trusted_keys: public key files\n"
     "(`screener keygen`); the file must then be signed by one of them (`screener\n"
     "compile --sign`), else DatabaseSignatureError."},
    {"from_bytes", (PyCFunction)Database_from_bytes, METH_O | METH_CLASS,
     "from_bytes($type, data, /)\n--\n\n"
     "Rebuild a database from to_bytes() output. Damaged input raises DatabaseError."},
    {"__reduce__", (PyCFunction)Database_reduce, METH_NOARGS, NULL},
    {NULL}};

static PyGetSetDef Database_getset[] = {
    {"fingerprint", (getter)Database_get_fingerprint, NULL,
     "Dictionary fingerprint: 32 lowercase hex digits (XXH3-128).", NULL},
    {"categories", (getter)Database_get_categories, NULL,
     "Category names, indexed by category id (tuple of str).", NULL},
    {"fold_flags", (getter)Database_get_fold_flags, NULL,
     "Fold families the database was compiled with (Fold).", NULL},
    {"entry_count", (getter)Database_get_entry_count, NULL,
     "Number of entries, deny and allow.", NULL},
    {NULL}};

static PySequenceMethods Database_as_sequence = {
    .sq_length = (lenfunc)Database_len,
};

static PyTypeObject DatabaseType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Database",
    .tp_basicsize = sizeof(DatabaseObject),
    .tp_dealloc = (destructor)Database_dealloc,
    .tp_repr = (reprfunc)Database_repr,
    .tp_as_sequence = &Database_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A compiled, immutable screener database. Safe to share between threads.\n\n"
              "Create one with screener.compile(), Database.load() or Database.from_bytes().",
    .tp_weaklistoffset = offsetof(DatabaseObject, weakreflist),
    .tp_methods = Database_methods,
    .tp_getset = Database_getset,
    .tp_new = Database_new,
};

/* ------------------------------------------------------------------------ */
/* Stream: text arriving in chunks                                           */
/* ------------------------------------------------------------------------ */

/*
 * A Stream wraps screener_stream with a scratch of its own (its profile set
 * once). Offsets are global, in the unit of the chunks: code points when the
 * stream is written str chunks, bytes for bytes-like chunks (one kind per
 * stream). To give Match.text and code point offsets for a match that began
 * in an earlier chunk, the stream keeps the chunks that cover the last
 * STREAM_KEEP bytes: the library carries at most 1 MiB of earlier text into
 * a later write (WINDOW_MAX_CARRY), so no reported match starts before them.
 */
#define STREAM_KEEP (((size_t)1 << 20) + ((size_t)64 << 10))

typedef struct {
    PyObject_HEAD
    DatabaseObject *db;  /* keeps the screener_db (or its Handle pin) alive */
    screener_stream *st; /* NULL once closed */
    screener_scratch *s;
    PyObject *profile;
    PyObject *chunks;    /* list of bytes (UTF-8 for str streams) from win_byte on */
    size_t win_byte;     /* global byte offset of chunks[0] */
    Py_ssize_t win_unit; /* the same in the stream's unit */
    size_t total_byte;
    Py_ssize_t total_unit;
    int mode;            /* 0: no chunk yet, 1: str chunks, 2: bytes-like chunks */
    int busy;            /* a write or close is running (GIL released) */
    PyObject *weakreflist;
} StreamObject;

static void Stream_release(StreamObject *self)
{
    screener_stream_free(self->st);
    self->st = NULL;
    screener_scratch_free(self->s);
    self->s = NULL;
    Py_CLEAR(self->chunks);
}

static void Stream_dealloc(StreamObject *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    Stream_release(self);
    Py_XDECREF(self->profile);
    Py_XDECREF(self->db);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Open a stream over db (a Database, possibly a Handle's pinned version). */
static PyObject *stream_open(DatabaseObject *db, PyObject *profile)
{
    StreamObject *self = PyObject_New(StreamObject, &StreamType);
    if (!self)
        return NULL;
    memset((char *)self + sizeof(PyObject), 0, sizeof *self - sizeof(PyObject));
    Py_INCREF(db);
    self->db = db;
    Py_XINCREF(profile);
    self->profile = profile;
    self->chunks = PyList_New(0);
    if (!self->chunks) {
        Py_DECREF(self);
        return NULL;
    }
    int rc = screener_scratch_alloc(db->db, &self->s);
    if (rc == SCREENER_OK && profile)
        rc = screener_scratch_set_profile(self->s, &((ProfileObject *)profile)->prof);
    if (rc == SCREENER_OK)
        rc = screener_stream_open(db->db, &self->st);
    if (rc != SCREENER_OK) {
        Py_DECREF(self);
        return raise_status(rc, NULL);
    }
    return (PyObject *)self;
}

static int Stream_check(StreamObject *self, const char *what)
{
    if (!self->st) {
        PyErr_Format(PyExc_ValueError, "%s on a closed stream", what);
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the stream is in use by another thread (a stream belongs to one "
                        "thread at a time)");
        return -1;
    }
    return 0;
}

/* The Result of a write or close: matches resolved against the kept chunks. */
static PyObject *Stream_result(StreamObject *self, const screener_result *r)
{
    input_t in;
    memset(&in, 0, sizeof in);
    in.data = "";
    if (r->n_matches == 0)
        return build_result_at(self->db, r, &in, self->db->version, self->win_byte,
                               self->win_unit);
    Py_ssize_t n = PyList_GET_SIZE(self->chunks);
    size_t size = self->total_byte - self->win_byte;
    PyObject *window = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (!window)
        return NULL;
    char *p = PyBytes_AS_STRING(window);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyList_GET_ITEM(self->chunks, i);
        memcpy(p, PyBytes_AS_STRING(c), (size_t)PyBytes_GET_SIZE(c));
        p += PyBytes_GET_SIZE(c);
    }
    in.data = PyBytes_AS_STRING(window);
    in.len = (Py_ssize_t)size;
    in.src = window;
    PyObject *text = NULL;
    if (self->mode == 1) {
        text = PyUnicode_DecodeUTF8(in.data, in.len, "surrogatepass");
        if (!text) {
            Py_DECREF(window);
            return NULL;
        }
        in.src = text;
        in.is_str = 1; /* offsets are converted to code points */
    }
    PyObject *res = build_result_at(self->db, r, &in, self->db->version, self->win_byte,
                                    self->win_unit);
    Py_XDECREF(text);
    Py_DECREF(window);
    return res;
}

/* Drop the kept chunks no later match can start in. */
static int Stream_trim(StreamObject *self)
{
    Py_ssize_t drop = 0, n = PyList_GET_SIZE(self->chunks);
    while (drop < n) {
        PyObject *c = PyList_GET_ITEM(self->chunks, drop);
        size_t len = (size_t)PyBytes_GET_SIZE(c);
        if (self->win_byte + len + STREAM_KEEP > self->total_byte)
            break;
        self->win_byte += len;
        self->win_unit += self->mode == 1
                              ? count_cp((const unsigned char *)PyBytes_AS_STRING(c), len)
                              : (Py_ssize_t)len;
        drop++;
    }
    return drop ? PyList_SetSlice(self->chunks, 0, drop, NULL) : 0;
}

static PyObject *Stream_write(StreamObject *self, PyObject *chunk)
{
    if (Stream_check(self, "write()") < 0)
        return NULL;
    int mode = PyUnicode_Check(chunk) ? 1 : PyObject_CheckBuffer(chunk) ? 2 : 0;
    if (!mode) {
        PyErr_Format(PyExc_TypeError, "write() expects str or a bytes-like object, not %.200s",
                     Py_TYPE(chunk)->tp_name);
        return NULL;
    }
    if (self->mode && mode != self->mode) {
        PyErr_SetString(PyExc_TypeError,
                        self->mode == 1
                            ? "this stream was written str chunks (offsets in code points): "
                              "write str, not bytes"
                            : "this stream was written bytes chunks (offsets in bytes): write "
                              "bytes, not str");
        return NULL;
    }
    PyObject *b;
    Py_ssize_t units;
    if (mode == 1) {
        b = PyUnicode_AsEncodedString(chunk, "utf-8", "surrogatepass");
        units = PyUnicode_GET_LENGTH(chunk);
    } else {
        b = PyBytes_FromObject(chunk); /* a copy: kept for Match.text */
        units = b ? PyBytes_GET_SIZE(b) : 0;
    }
    if (!b)
        return NULL;
    if (PyList_Append(self->chunks, b) < 0) {
        Py_DECREF(b);
        return NULL;
    }
    const screener_result *r = NULL;
    int rc;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_stream_write(self->st, self->s, PyBytes_AS_STRING(b),
                               (size_t)PyBytes_GET_SIZE(b), &r);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (rc != SCREENER_OK) {
        /* the stream is as before this chunk (see screener_stream_write) */
        Py_ssize_t n = PyList_GET_SIZE(self->chunks);
        PyList_SetSlice(self->chunks, n - 1, n, NULL);
        Py_DECREF(b);
        return raise_status(rc, NULL);
    }
    self->mode = mode;
    self->total_byte += (size_t)PyBytes_GET_SIZE(b);
    self->total_unit += units;
    Py_DECREF(b);
    PyObject *res = Stream_result(self, r);
    if (res && Stream_trim(self) < 0)
        Py_CLEAR(res);
    return res;
}

static PyObject *Stream_close(StreamObject *self, PyObject *Py_UNUSED(ignored))
{
    if (Stream_check(self, "close()") < 0)
        return NULL;
    const screener_result *r = NULL;
    int rc;
    self->busy = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_stream_close(self->st, self->s, &r);
    Py_END_ALLOW_THREADS
    self->busy = 0;
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL); /* still open: close() may be called again */
    PyObject *res = Stream_result(self, r);
    Stream_release(self);
    return res;
}

static PyObject *Stream_enter(StreamObject *self, PyObject *Py_UNUSED(ignored))
{
    if (Stream_check(self, "with") < 0)
        return NULL;
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *Stream_exit(StreamObject *self, PyObject *args)
{
    if (!self->busy)
        Stream_release(self); /* without reporting: call close() for the last matches */
    Py_RETURN_FALSE;
}

static PyObject *Stream_get_closed(StreamObject *self, void *c)
{
    return PyBool_FromLong(self->st == NULL);
}

static PyObject *Stream_get_position(StreamObject *self, void *c)
{
    return PyLong_FromSsize_t(self->total_unit);
}

static PyObject *Stream_repr(StreamObject *self)
{
    return PyUnicode_FromFormat("<screener.Stream %s position=%zd db_version=%llu>",
                                self->st ? "open" : "closed", self->total_unit,
                                self->db->version);
}

static PyMethodDef Stream_methods[] = {
    {"write", (PyCFunction)Stream_write, METH_O,
     "write($self, chunk, /)\n--\n\n"
     "Add a chunk (str, or bytes-like; one kind per stream) and return a Result with\n"
     "the matches that became final with it. Offsets are global: code points since\n"
     "the start of the stream for str chunks, bytes for bytes chunks. Matches that\n"
     "span chunk edges are found; the rest of the verdict comes from close().\n"
     "Releases the GIL. ValueError on a closed stream."},
    {"close", (PyCFunction)Stream_close, METH_NOARGS,
     "close($self, /)\n--\n\n"
     "End of text: return a Result with the remaining matches and close the stream.\n"
     "ValueError if already closed. The union of the results of every write() and\n"
     "close() equals one scan() of the whole text."},
    {"__enter__", (PyCFunction)Stream_enter, METH_NOARGS,
     "__enter__($self, /)\n--\n\nReturn the stream."},
    {"__exit__", (PyCFunction)Stream_exit, METH_VARARGS,
     "__exit__($self, exc_type, exc_value, traceback, /)\n--\n\n"
     "Free the stream (without reporting; call close() for the last matches)."},
    {NULL}};

static PyGetSetDef Stream_getset[] = {
    {"closed", (getter)Stream_get_closed, NULL, "True after close() or the with block.", NULL},
    {"position", (getter)Stream_get_position, NULL,
     "Code points (str chunks) or bytes written so far.", NULL},
    {NULL}};

static PyTypeObject StreamType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Stream",
    .tp_basicsize = sizeof(StreamObject),
    .tp_dealloc = (destructor)Stream_dealloc,
    .tp_repr = (reprfunc)Stream_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Scans text that arrives in chunks (screener_stream); made by\n"
              "Database.stream() or Handle.stream(). Finds the same matches, with the\n"
              "same spans, as one scan of the whole text. One thread at a time.",
    .tp_weaklistoffset = offsetof(StreamObject, weakreflist),
    .tp_methods = Stream_methods,
    .tp_getset = Stream_getset,
};

/* stream(*, profile=None) -> Stream */
static PyObject *Database_stream(DatabaseObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"profile", NULL};
    PyObject *prof_o = NULL, *profile;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O:stream", kwlist, &prof_o) ||
        profile_arg(prof_o, &profile) < 0)
        return NULL;
    return stream_open(self, profile);
}

/* ------------------------------------------------------------------------ */
/* Handle: hot reload                                                        */
/* ------------------------------------------------------------------------ */

/*
 * A Handle is a screener_handle. Each version it serves is seen from Python
 * as a Database object holding a pin of it (screener_handle_acquire, released
 * when the object goes) and sharing the Handle's scratch pool (scratches are
 * re-fitted to a new version by the library on their next use). The Handle
 * keeps the object of the newest version it has seen; a scan asks the
 * library for the current version (one short mutex section) and makes a new
 * object only when it changed. A scan keeps its Database object from start
 * to end, and a Result keeps it until its matches are built, so a swap never
 * frees a database that a scan or a Result still uses: the library frees it
 * when its last pin is released.
 */
typedef struct {
    PyObject_HEAD
    handle_core *core;
    DatabaseObject *current; /* the newest version seen, or NULL */
    PyObject *weakreflist;
} HandleObject;

/* A copy of db's compiled form for the handle to own (screener_handle takes
 * ownership, and a Database object already owns its screener_db). */
static screener_db *db_copy(DatabaseObject *src)
{
    void *buf = NULL;
    size_t n = 0;
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_db_serialize(src->db, &buf, &n);
    if (rc == SCREENER_OK)
        rc = screener_db_deserialize(buf, n, &db, &err);
    screener_free(buf);
    Py_END_ALLOW_THREADS
    if (rc != SCREENER_OK) {
        raise_status(rc, err);
        return NULL;
    }
    return db;
}

static PyObject *Handle_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"db", NULL};
    PyObject *db;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!:Handle", kwlist, &DatabaseType, &db))
        return NULL;
    screener_db *copy = db_copy((DatabaseObject *)db);
    if (!copy)
        return NULL;
    handle_core *core = PyMem_Calloc(1, sizeof *core);
    if (core)
        core->pool = PyMem_Calloc(1, sizeof(scratch_pool));
    if (!core || !core->pool) {
        PyMem_Free(core);
        screener_db_free(copy);
        return PyErr_NoMemory();
    }
    int rc = screener_handle_new(copy, &core->h); /* owns copy, also on failure */
    if (rc != SCREENER_OK) {
        pool_free(core->pool);
        PyMem_Free(core);
        return raise_status(rc, NULL);
    }
    core->refs = 1;
    HandleObject *self = (HandleObject *)type->tp_alloc(type, 0);
    if (!self) {
        core_decref(core);
        return NULL;
    }
    self->core = core;
    return (PyObject *)self;
}

static void Handle_dealloc(HandleObject *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    Py_CLEAR(self->current);
    core_decref(self->core);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The Database object of the current version (a new reference). */
static DatabaseObject *handle_current(HandleObject *self)
{
    screener_handle *h = self->core->h;
    if (self->current && self->current->version == screener_handle_version(h)) {
        Py_INCREF(self->current);
        return self->current;
    }
    uint64_t v = 0;
    const screener_db *db = screener_handle_acquire(h, &v);
    if (self->current && self->current->version == v) {
        screener_handle_release(h, db); /* raced with a swap back: keep ours */
    } else {
        PyObject *o = Database_wrap_ex(&DatabaseType, (screener_db *)db, self->core, v);
        if (!o)
            return NULL;
        Py_XSETREF(self->current, (DatabaseObject *)o);
    }
    Py_INCREF(self->current);
    return self->current;
}

/* After a successful swap/load/compile: the new version. */
static PyObject *handle_swapped(HandleObject *self)
{
    DatabaseObject *cur = handle_current(self);
    if (!cur)
        return NULL;
    PyObject *v = PyLong_FromUnsignedLongLong(cur->version);
    Py_DECREF(cur);
    return v;
}

static PyObject *Handle_swap(HandleObject *self, PyObject *db)
{
    if (!PyObject_TypeCheck(db, &DatabaseType)) {
        PyErr_Format(PyExc_TypeError, "swap() expects a Database, not %.200s",
                     Py_TYPE(db)->tp_name);
        return NULL;
    }
    screener_db *copy = db_copy((DatabaseObject *)db);
    if (!copy)
        return NULL;
    int rc = screener_handle_swap(self->core->h, copy); /* owns copy, also on failure */
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    return handle_swapped(self);
}

static PyObject *Handle_load(HandleObject *self, PyObject *args, PyObject *kw)
{
    if (load_db(args, kw, self->core->h, NULL) < 0)
        return NULL; /* the current database stays */
    return handle_swapped(self);
}

static int build_sources(PyObject *paths, PyObject *texts, screener_source **src_out,
                         Py_ssize_t *n_out, PyObject *keep);

/* Compile warnings, collected while the GIL is released (the callback may
 * not touch Python) and issued as DictionaryWarning afterwards. */
typedef struct {
    char **msgs;
    size_t n, cap;
    size_t dropped; /* out of memory while collecting */
} warn_list;

static void collect_warning(const char *message, void *user_data)
{
    warn_list *w = user_data;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 8;
        char **m = PyMem_RawRealloc(w->msgs, cap * sizeof *m);
        if (!m) {
            w->dropped++;
            return;
        }
        w->msgs = m;
        w->cap = cap;
    }
    size_t len = strlen(message);
    char *c = PyMem_RawMalloc(len + 1);
    if (!c) {
        w->dropped++;
        return;
    }
    memcpy(c, message, len + 1);
    w->msgs[w->n++] = c;
}

/* Issue the warnings (GIL held) and free them; -1 if one became an error
 * (a warnings filter set to "error"). */
static int issue_warnings(warn_list *w)
{
    int rc = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (rc == 0 && PyErr_WarnEx(g_DictionaryWarning, w->msgs[i], 2) < 0)
            rc = -1;
        PyMem_RawFree(w->msgs[i]);
    }
    if (rc == 0 && w->dropped)
        rc = PyErr_WarnFormat(g_DictionaryWarning, 2, "%zu more warnings lost (out of memory)",
                              w->dropped);
    PyMem_RawFree(w->msgs);
    memset(w, 0, sizeof *w);
    return rc;
}

/* The arguments of _compile(paths, texts, fold_flags, max_entries,
 * max_term_bytes, max_dictionary_bytes, flags) compiled into *db_out, with
 * the warnings issued. 0, or -1 with an exception set. */
static int compile_db(PyObject *args, screener_db **db_out)
{
    PyObject *paths, *texts;
    unsigned long fold_flags, max_entries, max_term_bytes = 0, flags = 0;
    unsigned long long max_dict = 0;
    *db_out = NULL;
    if (!PyArg_ParseTuple(args, "O!O!kk|kKk:_compile", &PyList_Type, &paths, &PyList_Type,
                          &texts, &fold_flags, &max_entries, &max_term_bytes, &max_dict, &flags))
        return -1;
    PyObject *keep = PyList_New(0);
    if (!keep)
        return -1;
    screener_source *src = NULL;
    Py_ssize_t n = 0;
    int ret = -1;
    if (build_sources(paths, texts, &src, &n, keep) == 0) {
        warn_list w = {0};
        screener_compile_options opt;
        memset(&opt, 0, sizeof opt);
        opt.struct_size = sizeof opt;
        opt.fold_flags = (uint32_t)fold_flags;
        opt.max_entries = (uint32_t)max_entries;
        opt.max_term_bytes = (uint32_t)max_term_bytes;
        opt.max_dictionary_bytes = (uint64_t)max_dict;
        opt.flags = (uint32_t)flags;
        opt.warning = collect_warning;
        opt.warning_user_data = &w;
        screener_error *err = NULL;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = screener_compile(&opt, src, (size_t)n, db_out, &err);
        Py_END_ALLOW_THREADS
        if (rc != SCREENER_OK) {
            issue_warnings(&w); /* freed; the error is what is raised */
            PyErr_Clear();
            raise_status(rc, err);
        } else if (issue_warnings(&w) < 0) {
            screener_db_free(*db_out);
            *db_out = NULL;
        } else {
            ret = 0;
        }
    }
    Py_DECREF(keep);
    PyMem_Free(src);
    return ret;
}

/* _compile(...) -> version: compile (as mod_compile), then make the new
 * database current (screener_handle_swap: what screener_handle_compile does,
 * with the warnings issued before the swap, so that a warning turned into an
 * error keeps the current database). */
static PyObject *Handle_compile_raw(HandleObject *self, PyObject *args)
{
    screener_db *db = NULL;
    if (compile_db(args, &db) < 0)
        return NULL; /* the current database stays */
    int rc = screener_handle_swap(self->core->h, db); /* owns db, also on failure */
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    return handle_swapped(self);
}

static PyObject *Handle_scan(HandleObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    PyObject *text, *profile;
    if (text_profile_args("scan", args, nargs, kwnames, &text, &profile) < 0)
        return NULL;
    DatabaseObject *db = handle_current(self);
    if (!db)
        return NULL;
    PyObject *r = db_scan(db, text, profile);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_scan_batch(HandleObject *self, PyObject *const *args, Py_ssize_t nargs,
                                   PyObject *kwnames)
{
    PyObject *msgs, *profile;
    if (text_profile_args("scan_batch", args, nargs, kwnames, &msgs, &profile) < 0)
        return NULL;
    DatabaseObject *db = handle_current(self);
    if (!db)
        return NULL;
    PyObject *r = db_scan_batch(db, msgs, profile);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_mask(HandleObject *self, PyObject *args, PyObject *kw)
{
    DatabaseObject *db = handle_current(self);
    if (!db)
        return NULL;
    PyObject *r = Database_mask(db, args, kw);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_stream(HandleObject *self, PyObject *args, PyObject *kw)
{
    DatabaseObject *db = handle_current(self);
    if (!db)
        return NULL;
    PyObject *r = Database_stream(db, args, kw);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_get_current(HandleObject *self, void *c)
{
    return (PyObject *)handle_current(self);
}

static PyObject *Handle_get_version(HandleObject *self, void *c)
{
    return PyLong_FromUnsignedLongLong(screener_handle_version(self->core->h));
}

static PyObject *Handle_repr(HandleObject *self)
{
    return PyUnicode_FromFormat("<screener.Handle version=%llu>",
                                (unsigned long long)screener_handle_version(self->core->h));
}

static PyMethodDef Handle_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Handle_scan, METH_FASTCALL | METH_KEYWORDS,
     "scan($self, text, /, *, profile=None)\n--\n\n"
     "Database.scan() on the current version; Result.db_version and\n"
     "Result.fingerprint say which one."},
    {"scan_batch", (PyCFunction)(void (*)(void))Handle_scan_batch,
     METH_FASTCALL | METH_KEYWORDS,
     "scan_batch($self, messages, /, *, profile=None)\n--\n\n"
     "Database.scan_batch() on the current version (one version for the whole batch)."},
    {"mask", (PyCFunction)(void (*)(void))Handle_mask, METH_VARARGS | METH_KEYWORDS,
     "mask($self, text, /, *, mask_char='*', all=False, profile=None)\n--\n\n"
     "Database.mask() on the current version."},
    {"stream", (PyCFunction)(void (*)(void))Handle_stream, METH_VARARGS | METH_KEYWORDS,
     "stream($self, /, *, profile=None)\n--\n\n"
     "A Stream over the current version; it keeps that version to its end."},
    {"swap", (PyCFunction)Handle_swap, METH_O,
     "swap($self, db, /)\n--\n\n"
     "Make a copy of db current (screener_handle_swap takes ownership, so the\n"
     "handle gets its own copy: serialize + deserialize, GIL released); returns the\n"
     "new version. Scans already running finish on the old version. load() and\n"
     "compile() need no copy."},
    {"load", (PyCFunction)(void (*)(void))Handle_load, METH_VARARGS | METH_KEYWORDS,
     "load($self, path, *, trusted_keys=None)\n--\n\n"
     "Load a database file and make it current (screener_handle_load_ex, GIL\n"
     "released; trusted_keys as Database.load); returns the new version. On failure\n"
     "the current database stays and the error is raised."},
    {"_compile", (PyCFunction)Handle_compile_raw, METH_VARARGS,
     "_compile($self, paths, texts, fold_flags, max_entries, max_term_bytes=0,\n"
     "         max_dictionary_bytes=0, flags=0, /)\n--\n\n"
     "Low-level compile and screener_handle_swap(); use Handle.compile()."},
    {NULL}};

static PyGetSetDef Handle_getset[] = {
    {"current", (getter)Handle_get_current, NULL,
     "The current version as a Database (it keeps that version alive).", NULL},
    {"version", (getter)Handle_get_version, NULL,
     "Version of the current database: 1, then +1 per successful swap, load or compile.",
     NULL},
    {NULL}};

static PyTypeObject HandleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Handle",
    .tp_basicsize = sizeof(HandleObject),
    .tp_dealloc = (destructor)Handle_dealloc,
    .tp_repr = (reprfunc)Handle_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Handle(db)\n--\n\n"
              "Serves a database that can be replaced while scans run (hot reload), on\n"
              "screener_handle. Share one Handle between threads; swap(), load() or\n"
              "compile() replace the database atomically.",
    .tp_weaklistoffset = offsetof(HandleObject, weakreflist),
    .tp_methods = Handle_methods,
    .tp_getset = Handle_getset,
    .tp_new = Handle_new,
};

/* ------------------------------------------------------------------------ */
/* Module functions                                                          */
/* ------------------------------------------------------------------------ */

/* The screener_source array of paths (list of bytes) and texts (list of
 * (bytes, bytes) tuples): *src_out (PyMem, *n_out entries) points into
 * objects appended to keep, which the caller holds while the library reads
 * them (the lists could change while the GIL is released). 0, or -1 with an
 * exception set. */
static int build_sources(PyObject *paths, PyObject *texts, screener_source **src_out,
                         Py_ssize_t *n_out, PyObject *keep)
{
    Py_ssize_t np = PyList_GET_SIZE(paths), nt = PyList_GET_SIZE(texts);
    Py_ssize_t n = np + nt;
    *src_out = NULL;
    *n_out = 0;
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "compile() needs at least one dictionary");
        return -1;
    }
    screener_source *src = PyMem_Calloc((size_t)n, sizeof *src);
    if (!src) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(paths, i);
        if (!PyBytes_Check(p)) {
            PyErr_SetString(PyExc_TypeError, "paths must be bytes");
            goto fail;
        }
        if ((size_t)PyBytes_GET_SIZE(p) != strlen(PyBytes_AS_STRING(p))) {
            PyErr_SetString(PyExc_ValueError, "embedded NUL in path");
            goto fail;
        }
        if (PyList_Append(keep, p) < 0)
            goto fail;
        src[i].path = PyBytes_AS_STRING(p);
    }
    for (Py_ssize_t i = 0; i < nt; i++) {
        PyObject *t = PyList_GET_ITEM(texts, i), *name, *text;
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2 ||
            !PyBytes_Check(name = PyTuple_GET_ITEM(t, 0)) ||
            !PyBytes_Check(text = PyTuple_GET_ITEM(t, 1))) {
            PyErr_SetString(PyExc_TypeError, "texts must be (bytes, bytes) tuples");
            goto fail;
        }
        if ((size_t)PyBytes_GET_SIZE(name) != strlen(PyBytes_AS_STRING(name))) {
            PyErr_SetString(PyExc_ValueError, "embedded NUL in source name");
            goto fail;
        }
        if (PyList_Append(keep, t) < 0)
            goto fail;
        src[np + i].name = PyBytes_AS_STRING(name);
        src[np + i].text = PyBytes_AS_STRING(text);
        src[np + i].len = (size_t)PyBytes_GET_SIZE(text);
    }
    *src_out = src;
    *n_out = n;
    return 0;
fail:
    PyMem_Free(src);
    return -1;
}

/* _compile(paths: list[bytes], texts: list[tuple[bytes, bytes]], fold_flags: int,
 *          max_entries: int, max_term_bytes=0, max_dictionary_bytes=0, flags=0)
 *          -> Database */
static PyObject *mod_compile(PyObject *mod, PyObject *args)
{
    screener_db *db = NULL;
    if (compile_db(args, &db) < 0)
        return NULL;
    return Database_wrap(&DatabaseType, db);
}

/* clock 0: CLOCK_MONOTONIC (wall); 1: CLOCK_THREAD_CPUTIME_ID (this thread's
 * CPU time, robust against other processes on a busy machine). */
static int64_t now_ns(int clock)
{
    struct timespec ts;
    clock_gettime(clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* _c_loop_scan(db, data: bytes, n: int, clock=0) -> int: ns for n screener_scan()
 * calls in C (clock as for now_ns). */
static PyObject *mod_c_loop_scan(PyObject *mod, PyObject *args)
{
    DatabaseObject *db;
    Py_buffer view;
    Py_ssize_t n;
    int clock = 0;
    if (!PyArg_ParseTuple(args, "O!y*n|i:_c_loop_scan", &DatabaseType, &db, &view, &n, &clock))
        return NULL;
    screener_scratch *s = pool_pop(db, NULL);
    if (!s) {
        PyBuffer_Release(&view);
        return NULL;
    }
    int rc = SCREENER_OK;
    int64_t t0 = 0, t1 = 0;
    Py_BEGIN_ALLOW_THREADS
    t0 = now_ns(clock);
    for (Py_ssize_t i = 0; i < n && rc == SCREENER_OK; i++) {
        const screener_result *r = NULL;
        rc = screener_scan(db->db, s, view.buf, (size_t)view.len, &r);
    }
    t1 = now_ns(clock);
    Py_END_ALLOW_THREADS
    pool_push(db, s, NULL);
    PyBuffer_Release(&view);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    return PyLong_FromLongLong(t1 - t0);
}

/* _c_loop_scan_batch(db, messages: list[bytes], n: int) -> int: ns for n
 * screener_scan_batch() calls over the whole list, in C. */
static PyObject *mod_c_loop_scan_batch(PyObject *mod, PyObject *args)
{
    DatabaseObject *db;
    PyObject *list;
    Py_ssize_t n;
    int clock = 0;
    if (!PyArg_ParseTuple(args, "O!O!n|i:_c_loop_scan_batch", &DatabaseType, &db, &PyList_Type,
                          &list, &n, &clock))
        return NULL;
    Py_ssize_t k = PyList_GET_SIZE(list);
    screener_message *msgs = PyMem_Malloc((size_t)(k ? k : 1) * sizeof *msgs);
    if (!msgs)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *b = PyList_GET_ITEM(list, i);
        if (!PyBytes_Check(b)) {
            PyMem_Free(msgs);
            PyErr_SetString(PyExc_TypeError, "messages must be bytes");
            return NULL;
        }
        msgs[i].text = PyBytes_AS_STRING(b);
        msgs[i].len = (size_t)PyBytes_GET_SIZE(b);
    }
    Py_INCREF(list);
    screener_scratch *s = pool_pop(db, NULL);
    if (!s) {
        Py_DECREF(list);
        PyMem_Free(msgs);
        return NULL;
    }
    int rc = SCREENER_OK;
    int64_t t0 = 0, t1 = 0;
    Py_BEGIN_ALLOW_THREADS
    t0 = now_ns(clock);
    for (Py_ssize_t i = 0; i < n && rc == SCREENER_OK; i++) {
        const screener_result *r = NULL;
        rc = screener_scan_batch(db->db, s, msgs, (size_t)k, &r);
    }
    t1 = now_ns(clock);
    Py_END_ALLOW_THREADS
    pool_push(db, s, NULL);
    Py_DECREF(list);
    PyMem_Free(msgs);
    if (rc != SCREENER_OK)
        return raise_status(rc, NULL);
    return PyLong_FromLongLong(t1 - t0);
}

static PyObject *mod_pool_size(PyObject *mod, PyObject *arg)
{
    if (!PyObject_TypeCheck(arg, &DatabaseType)) {
        PyErr_SetString(PyExc_TypeError, "expected a Database");
        return NULL;
    }
    return PyLong_FromSize_t(((DatabaseObject *)arg)->pool->n);
}

static PyObject *mod_strerror(PyObject *mod, PyObject *arg)
{
    long st = PyLong_AsLong(arg);
    if (st == -1 && PyErr_Occurred())
        return NULL;
    if (st < INT_MIN || st > INT_MAX)
        st = INT_MIN; /* "unknown status" */
    return PyUnicode_FromString(screener_strerror((int)st));
}

/* [(name, flag, description), ...] of the library's fold families. */
static PyObject *mod_fold_families(PyObject *mod, PyObject *unused)
{
    PyObject *list = PyList_New(0);
    const char *name;
    uint32_t flag = 0;
    for (unsigned i = 0; list && (name = screener_fold_family_name(i, &flag)); i++) {
        PyObject *t = Py_BuildValue("(sIs)", name, (unsigned)flag,
                                    screener_fold_family_description(i));
        if (!t || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(t);
    }
    return list;
}

/* [name, ...] of the library's built-in detectors. */
static PyObject *mod_detectors(PyObject *mod, PyObject *unused)
{
    PyObject *list = PyList_New(0);
    const char *name;
    for (unsigned i = 0; list && (name = screener_detector_name(i)); i++) {
        PyObject *u = PyUnicode_FromString(name);
        if (!u || PyList_Append(list, u) < 0) {
            Py_XDECREF(u);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(u);
    }
    return list;
}

/* screener_fold_flags_parse: the flags (SCREENER_FOLD_EXPLICIT set) of a
 * comma list, or InvalidArgumentError with the library's message. */
static PyObject *mod_fold_flags_parse(PyObject *mod, PyObject *arg)
{
    const char *list = PyUnicode_AsUTF8(arg);
    if (!list)
        return NULL;
    uint32_t flags = 0;
    screener_error *err = NULL;
    int rc = screener_fold_flags_parse(list, &flags, &err);
    if (rc != SCREENER_OK)
        return raise_status(rc, err);
    return PyLong_FromUnsignedLong(flags);
}

/* ('pass', 'review', 'mask', 'block') from screener_action_name(). */
static PyObject *mod_action_names(PyObject *mod, PyObject *unused)
{
    PyObject *t = PyTuple_New(SCREENER_ACTION_BLOCK + 1);
    for (int i = 0; t && i <= SCREENER_ACTION_BLOCK; i++) {
        Py_INCREF(g_action_names[i]);
        PyTuple_SET_ITEM(t, i, g_action_names[i]);
    }
    return t;
}

static PyMethodDef module_methods[] = {
    {"fold_families", mod_fold_families, METH_NOARGS,
     "fold_families($module, /)\n--\n\n"
     "The library's fold families as a list of (name, flag, description)."},
    {"detectors", mod_detectors, METH_NOARGS,
     "detectors($module, /)\n--\n\n"
     "The library's built-in detectors (as written after @detect), a list of str."},
    {"_fold_flags_parse", mod_fold_flags_parse, METH_O,
     "_fold_flags_parse($module, list, /)\n--\n\n"
     "screener_fold_flags_parse() of a comma list."},
    {"_compile", mod_compile, METH_VARARGS,
     "_compile($module, paths, texts, fold_flags, max_entries, max_term_bytes=0,\n"
     "         max_dictionary_bytes=0, flags=0, /)\n--\n\n"
     "Low-level screener_compile(); use screener.compile()."},
    {"_db_from_bytes", mod_db_from_bytes, METH_O,
     "_db_from_bytes($module, data, /)\n--\n\nDatabase.from_bytes (for pickle)."},
    {"_c_loop_scan", mod_c_loop_scan, METH_VARARGS,
     "_c_loop_scan($module, db, data, n, clock=0, /)\n--\n\n"
     "ns for n screener_scan() calls in a C loop (benchmarks; clock 0 = monotonic\n"
     "wall time, 1 = this thread's CPU time)."},
    {"_c_loop_scan_batch", mod_c_loop_scan_batch, METH_VARARGS,
     "_c_loop_scan_batch($module, db, messages, n, clock=0, /)\n--\n\n"
     "ns for n screener_scan_batch() calls (benchmarks; clock as for _c_loop_scan)."},
    {"_pool_size", mod_pool_size, METH_O,
     "_pool_size($module, db, /)\n--\n\nIdle scratches pooled by a Database (tests)."},
    {"strerror", mod_strerror, METH_O,
     "strerror($module, status, /)\n--\n\nThe library's text for a C status code."},
    {"action_names", mod_action_names, METH_NOARGS,
     "action_names($module, /)\n--\n\n"
     "The actions in order of strength, as the library names them: ('pass', 'review',\n"
     "'mask', 'block')."},
    {NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "screener._screener",
    .m_doc = "C extension of the screener binding (use the screener package).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__screener(void)
{
    PyObject *types = PyImport_ImportModule("screener._types");
    if (!types)
        return NULL;
    g_make_error = PyObject_GetAttrString(types, "_make_error");
    g_Entry = PyObject_GetAttrString(types, "Entry");
    g_Fold = PyObject_GetAttrString(types, "Fold");
    g_Category = PyObject_GetAttrString(types, "Category");
    g_DictionaryWarning = PyObject_GetAttrString(types, "DictionaryWarning");
    Py_DECREF(types);
    if (!g_make_error || !g_Entry || !g_Fold || !g_Category || !g_DictionaryWarning)
        return NULL;
    for (int i = 0; i <= SCREENER_ACTION_BLOCK; i++) {
        g_action_names[i] = PyUnicode_InternFromString(screener_action_name(i));
        if (!g_action_names[i])
            return NULL;
    }
    if (PyType_Ready(&MatchType) < 0 || PyType_Ready(&ResultType) < 0 ||
        PyType_Ready(&DatabaseType) < 0 || PyType_Ready(&HandleType) < 0 ||
        PyType_Ready(&ProfileType) < 0 || PyType_Ready(&StreamType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    Py_INCREF(&DatabaseType);
    Py_INCREF(&ResultType);
    Py_INCREF(&MatchType);
    Py_INCREF(&HandleType);
    Py_INCREF(&ProfileType);
    Py_INCREF(&StreamType);
    if (PyModule_AddObject(m, "Profile", (PyObject *)&ProfileType) < 0 ||
        PyModule_AddObject(m, "Stream", (PyObject *)&StreamType) < 0 ||
        PyModule_AddObject(m, "Database", (PyObject *)&DatabaseType) < 0 ||
        PyModule_AddObject(m, "Result", (PyObject *)&ResultType) < 0 ||
        PyModule_AddObject(m, "Match", (PyObject *)&MatchType) < 0 ||
        PyModule_AddObject(m, "Handle", (PyObject *)&HandleType) < 0 ||
        PyModule_AddStringConstant(m, "library_version", screener_version_string()) < 0 ||
        PyModule_AddIntConstant(m, "library_version_number", (long)screener_version()) < 0 ||
        PyModule_AddStringConstant(m, "header_version", SCREENER_VERSION_STRING) < 0 ||
        PyModule_AddIntConstant(m, "_FOLD_ALL", (long)SCREENER_FOLD_ALL) < 0 ||
        PyModule_AddIntConstant(m, "_COMPILE_NATIVE", (long)SCREENER_COMPILE_NATIVE) < 0 ||
        PyModule_AddIntConstant(m, "_COMPILE_NO_HOST_WORDS",
                                (long)SCREENER_COMPILE_NO_HOST_WORDS) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
