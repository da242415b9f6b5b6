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
static PyObject *g_action_names[SCREENER_ACTION_BLOCK + 1]; /* screener_action_name() */

static PyTypeObject DatabaseType;
static PyTypeObject ResultType;
static PyTypeObject MatchType;

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
    int severity;
    char suppressed;
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
        if (PyUnicode_Check(src))
            self->text = PyUnicode_Substring(src, self->start, self->end);
        else
            self->text = PyBytes_FromStringAndSize(PyBytes_AS_STRING(src) + self->start,
                                                   self->end - self->start);
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
    {"entry_id", T_UINT, offsetof(MatchObject, entry_id), READONLY,
     "Entry id, for Database.entry()."},
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

static PyTypeObject ResultType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Result",
    .tp_basicsize = sizeof(ResultObject),
    .tp_dealloc = (destructor)Result_dealloc,
    .tp_repr = (reprfunc)Result_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Verdict of one scan (read-only).",
    .tp_traverse = (traverseproc)Result_traverse,
    .tp_clear = (inquiry)Result_clear,
    .tp_richcompare = Result_richcompare,
    .tp_members = Result_members,
    .tp_getset = Result_getset,
    .tp_hash = PyObject_HashNotImplemented,
};

/* ------------------------------------------------------------------------ */
/* Database                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    screener_db *db;
    PyObject *categories; /* tuple of str, indexed by category id */
    PyObject *fingerprint; /* str */
    PyObject **terms;     /* lazily filled cache of entry terms (str), n_entries */
    uint32_t n_entries;
    screener_scratch **pool; /* idle scratches; touched only with the GIL held */
    size_t pool_n;
    PyObject *weakreflist;
} DatabaseObject;

/* Wrap a freshly created screener_db (takes ownership, also on failure). */
static PyObject *Database_wrap(PyTypeObject *type, screener_db *db)
{
    DatabaseObject *self = (DatabaseObject *)type->tp_alloc(type, 0);
    if (!self) {
        screener_db_free(db);
        return NULL;
    }
    self->db = db;
    self->n_entries = screener_db_entry_count(db);
    self->pool = PyMem_Calloc(POOL_KEEP, sizeof(screener_scratch *));
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
    /* One scratch up front, so the first scan does not pay for it. */
    screener_scratch *s = NULL;
    int rc = screener_scratch_alloc(db, &s);
    if (rc != SCREENER_OK) {
        Py_DECREF(self);
        return raise_status(rc, NULL);
    }
    self->pool[self->pool_n++] = s;
    return (PyObject *)self;
}

static void Database_dealloc(DatabaseObject *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    if (self->pool) {
        for (size_t i = 0; i < self->pool_n; i++)
            screener_scratch_free(self->pool[i]);
        PyMem_Free(self->pool);
    }
    if (self->terms) {
        for (uint32_t i = 0; i < self->n_entries; i++)
            Py_XDECREF(self->terms[i]);
        PyMem_Free(self->terms);
    }
    Py_XDECREF(self->categories);
    Py_XDECREF(self->fingerprint);
    screener_db_free(self->db);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Database_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    PyErr_SetString(PyExc_TypeError,
                    "use screener.compile(), Database.load() or Database.from_bytes()");
    return NULL;
}

/* Pop an idle scratch (GIL held), allocating one when the pool is empty. */
static screener_scratch *pool_pop(DatabaseObject *self)
{
    if (self->pool_n)
        return self->pool[--self->pool_n];
    screener_scratch *s = NULL;
    int rc = screener_scratch_alloc(self->db, &s);
    if (rc != SCREENER_OK) {
        raise_status(rc, NULL);
        return NULL;
    }
    return s;
}

/* Give a scratch back (GIL held). */
static void pool_push(DatabaseObject *self, screener_scratch *s)
{
    if (self->pool_n < POOL_KEEP)
        self->pool[self->pool_n++] = s;
    else
        screener_scratch_free(s);
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
        mo->severity = m->severity;
        mo->suppressed = (m->flags & SCREENER_MATCH_SUPPRESSED) != 0;
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
            mo->text = PyBytes_FromStringAndSize(copy_from + m->start, m->end - m->start);
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
 * ours): verdict now, matches and categories copied into one pending block. */
static PyObject *build_result(DatabaseObject *self, const screener_result *r, const input_t *in,
                              unsigned long long version)
{
    ResultObject *res = PyObject_GC_New(ResultObject, &ResultType);
    if (!res)
        return NULL;
    res->categories = res->matches = NULL;
    res->pm = NULL;
    res->cat_ids = NULL;
    res->n_pm = res->n_cat = 0;
    res->db = res->src = NULL;
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
        size_t bs = m->start <= len ? m->start : len;
        size_t be = m->end <= len ? m->end : len;
        if (be < bs)
            be = bs;
        if (convert) { /* byte offsets -> code point indices, one pass */
            if (bs < bpos) { /* not sorted by start: recount from the beginning */
                bpos = 0;
                cpos = 0;
            }
            cpos += count_cp(data + bpos, bs - bpos);
            bpos = bs;
            p->start = cpos;
            p->end = cpos + count_cp(data + bs, be - bs);
        } else {
            p->start = (Py_ssize_t)bs;
            p->end = (Py_ssize_t)be;
        }
        p->entry_id = m->entry_id;
        p->category_id = m->category_id;
        p->severity = m->severity;
        p->action = m->action <= 3 ? m->action : SCREENER_ACTION_BLOCK;
        p->flags = m->flags;
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

/* ---- scanning ---------------------------------------------------------- */

static PyObject *db_scan(DatabaseObject *self, PyObject *arg, unsigned long long version)
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
    screener_scratch *s = pool_pop(self);
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
    PyObject *out = rc == SCREENER_OK ? build_result(self, r, &in, version) : raise_status(rc, NULL);
    pool_push(self, s);
    input_release(&in);
    PyMem_Free(heap);
    return out;
}

static PyObject *db_scan_batch(DatabaseObject *self, PyObject *arg, unsigned long long version)
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
    s = pool_pop(self);
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
        PyObject *r = build_result(self, &rs[i], &ins[i], version);
        if (!r)
            goto fail;
        PyList_SET_ITEM(out, i, r);
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    if (s)
        pool_push(self, s);
    for (Py_ssize_t i = 0; i < got; i++)
        input_release(&ins[i]);
    PyMem_Free(arena);
    PyMem_Free(ins);
    PyMem_Free(msgs);
    Py_DECREF(seq);
    return out;
}

static PyObject *Database_scan(DatabaseObject *self, PyObject *arg)
{
    return db_scan(self, arg, 0);
}

static PyObject *Database_scan_batch(DatabaseObject *self, PyObject *arg)
{
    return db_scan_batch(self, arg, 0);
}

/* mask(text, /, mask_char="*", all=False) -> same type as text (bytes for buffers) */
static PyObject *Database_mask(DatabaseObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"text", "mask_char", "all", NULL};
    PyObject *arg, *mc = NULL;
    int all = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$Up:mask", kwlist, &arg, &mc, &all))
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
    screener_scratch *s = pool_pop(self);
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
    pool_push(self, s);
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
        "{sIsIszszsIszsIsIsIsnsnsn}", "format_version", info.format_version,
        "library_version", info.library_version, "hyperscan_version", info.hyperscan_version,
        "icu_version", info.icu_version, "fold_flags", info.fold_flags, "fingerprint",
        info.fingerprint, "n_entries", info.n_entries, "n_literals", info.n_literals,
        "n_categories", info.n_categories, "serialized_size", (Py_ssize_t)info.serialized_size,
        "hyperscan_size", (Py_ssize_t)info.hyperscan_size, "fold_table_size",
        (Py_ssize_t)info.fold_table_size);
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

/* Database.load(path, *, trusted_keys=None): a new screener_db, or NULL with
 * an exception set. */
static screener_db *load_db(PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"path", "trusted_keys", NULL};
    PyObject *path = NULL, *trusted = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|$O:load", kwlist, PyUnicode_FSConverter,
                                     &path, &trusted))
        return NULL;
    screener_key *keys[MAX_TRUSTED_KEYS];
    size_t n = 0;
    if (load_trusted_keys(trusted, keys, &n) < 0) {
        Py_DECREF(path);
        return NULL;
    }
    screener_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.struct_size = sizeof lo;
    lo.trusted_keys = (const screener_key *const *)keys;
    lo.n_trusted_keys = n;
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_db_load_ex(PyBytes_AS_STRING(path), &lo, &db, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    while (n > 0)
        screener_key_free(keys[--n]);
    if (rc != SCREENER_OK) {
        raise_status(rc, err);
        return NULL;
    }
    return db;
}

static PyObject *Database_load(PyObject *cls, PyObject *args, PyObject *kw)
{
    screener_db *db = load_db(args, kw);
    return db ? Database_wrap((PyTypeObject *)cls, db) : NULL;
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

static PyMethodDef Database_methods[] = {
    {"scan", (PyCFunction)Database_scan, METH_O,
     "scan(text, /) -> Result\n\nScan one message (str, or bytes-like: any bytes, invalid "
     "UTF-8 included).\nMatch offsets are code point indices for str, byte offsets for bytes. "
     "Releases the GIL."},
    {"scan_batch", (PyCFunction)Database_scan_batch, METH_O,
     "scan_batch(messages, /) -> list[Result]\n\nScan a sequence of messages with one C call "
     "(screener_scan_batch). Releases the GIL."},
    {"mask", (PyCFunction)(void (*)(void))Database_mask, METH_VARARGS | METH_KEYWORDS,
     "mask(text, *, mask_char='*', all=False) -> str | bytes\n\nScan and return the text with "
     "matched spans replaced, one mask_char per original character. By default the matches "
     "whose action is mask or block; all=True: every unsuppressed match. Releases the GIL."},
    {"info", (PyCFunction)Database_info, METH_NOARGS,
     "info() -> dict\n\nWhat the database says about itself (versions, sizes, counts)."},
    {"fold", (PyCFunction)Database_fold, METH_O,
     "fold(text, /) -> str\n\nThe text folded the way scans see it (for explaining "
     "decisions; not for the hot path)."},
    {"entry", (PyCFunction)Database_entry, METH_O,
     "entry(entry_id, /) -> Entry\n\nMetadata of a dictionary entry (Match.entry_id)."},
    {"to_bytes", (PyCFunction)Database_to_bytes, METH_NOARGS,
     "to_bytes() -> bytes\n\nSerialize the database (checksummed)."},
    {"save", (PyCFunction)Database_save, METH_O,
     "save(path, /) -> None\n\nWrite the database to a file (atomically)."},
    {"load", (PyCFunction)(void (*)(void))Database_load, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "load(path, *, trusted_keys=None) -> Database\n\nLoad a database file written by save() "
     "or `screener compile`. Without trusted_keys only load files you trust. trusted_keys: "
     "public key files (`screener keygen`); the file must then be signed by one of them "
     "(`screener compile --sign`), else DatabaseSignatureError."},
    {"from_bytes", (PyCFunction)Database_from_bytes, METH_O | METH_CLASS,
     "from_bytes(data, /) -> Database\n\nRebuild a database from to_bytes() output. Damaged "
     "input raises DatabaseError."},
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
/* Handle: hot reload                                                        */
/* ------------------------------------------------------------------------ */

/*
 * A Handle serves the current Database and swaps in a new one atomically.
 * It is built on Python reference counting rather than on screener_handle:
 * a scan takes a reference to the current Database (under the GIL) and keeps
 * it until its Result no longer needs it, so a swap never frees a database a
 * scan or a pending Result still uses, and every scan sees one database from
 * start to end. (screener_handle takes ownership of the screener_db, which a
 * Python Database object already owns; the semantics are the same.)
 */
typedef struct {
    PyObject_HEAD
    DatabaseObject *current;
    unsigned long long version;
    PyObject *weakreflist;
} HandleObject;

static PyTypeObject HandleType;

static PyObject *Handle_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"db", NULL};
    PyObject *db;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!:Handle", kwlist, &DatabaseType, &db))
        return NULL;
    HandleObject *self = (HandleObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    Py_INCREF(db);
    self->current = (DatabaseObject *)db;
    self->version = 1;
    return (PyObject *)self;
}

static void Handle_dealloc(HandleObject *self)
{
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    Py_XDECREF(self->current);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Handle_swap(HandleObject *self, PyObject *db)
{
    if (!PyObject_TypeCheck(db, &DatabaseType)) {
        PyErr_Format(PyExc_TypeError, "swap() expects a Database, not %.200s",
                     Py_TYPE(db)->tp_name);
        return NULL;
    }
    Py_INCREF(db);
    Py_SETREF(self->current, (DatabaseObject *)db);
    self->version++;
    return PyLong_FromUnsignedLongLong(self->version);
}

static PyObject *Handle_load(HandleObject *self, PyObject *args, PyObject *kw)
{
    PyObject *db = Database_load((PyObject *)&DatabaseType, args, kw);
    if (!db)
        return NULL; /* the current database stays */
    PyObject *v = Handle_swap(self, db);
    Py_DECREF(db);
    return v;
}

static PyObject *Handle_scan(HandleObject *self, PyObject *arg)
{
    DatabaseObject *db = self->current;
    Py_INCREF(db);
    PyObject *r = db_scan(db, arg, self->version);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_scan_batch(HandleObject *self, PyObject *arg)
{
    DatabaseObject *db = self->current;
    Py_INCREF(db);
    PyObject *r = db_scan_batch(db, arg, self->version);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_mask(HandleObject *self, PyObject *args, PyObject *kw)
{
    DatabaseObject *db = self->current;
    Py_INCREF(db);
    PyObject *r = Database_mask(db, args, kw);
    Py_DECREF(db);
    return r;
}

static PyObject *Handle_get_current(HandleObject *self, void *c)
{
    Py_INCREF(self->current);
    return (PyObject *)self->current;
}

static PyObject *Handle_get_version(HandleObject *self, void *c)
{
    return PyLong_FromUnsignedLongLong(self->version);
}

static PyObject *Handle_repr(HandleObject *self)
{
    return PyUnicode_FromFormat("<screener.Handle version=%llu current=%R>", self->version,
                                (PyObject *)self->current);
}

static PyMethodDef Handle_methods[] = {
    {"scan", (PyCFunction)Handle_scan, METH_O,
     "scan(text, /) -> Result\n\nDatabase.scan() on the current database; Result.db_version "
     "and Result.fingerprint say which one."},
    {"scan_batch", (PyCFunction)Handle_scan_batch, METH_O,
     "scan_batch(messages, /) -> list[Result]\n\nDatabase.scan_batch() on the current database "
     "(one version for the whole batch)."},
    {"mask", (PyCFunction)(void (*)(void))Handle_mask, METH_VARARGS | METH_KEYWORDS,
     "mask(text, *, mask_char='*', all=False)\n\nDatabase.mask() on the current database."},
    {"swap", (PyCFunction)Handle_swap, METH_O,
     "swap(db, /) -> int\n\nMake db current; returns the new version. Scans already running "
     "finish on the old database."},
    {"load", (PyCFunction)(void (*)(void))Handle_load, METH_VARARGS | METH_KEYWORDS,
     "load(path, *, trusted_keys=None) -> int\n\nLoad a database file (GIL released; "
     "trusted_keys as Database.load) and make it current; on "
     "failure the current database stays and the error is raised."},
    {NULL}};

static PyGetSetDef Handle_getset[] = {
    {"current", (getter)Handle_get_current, NULL, "The current Database.", NULL},
    {"version", (getter)Handle_get_version, NULL,
     "Version of the current database: 1, then +1 per successful swap.", NULL},
    {NULL}};

static PyTypeObject HandleType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "screener.Handle",
    .tp_basicsize = sizeof(HandleObject),
    .tp_dealloc = (destructor)Handle_dealloc,
    .tp_repr = (reprfunc)Handle_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Handle(db): serves a Database that can be replaced while scans run (hot "
              "reload).\n\nShare one Handle between threads; swap(), load() or compile() "
              "replace the database atomically.",
    .tp_weaklistoffset = offsetof(HandleObject, weakreflist),
    .tp_methods = Handle_methods,
    .tp_getset = Handle_getset,
    .tp_new = Handle_new,
};

/* ------------------------------------------------------------------------ */
/* Module functions                                                          */
/* ------------------------------------------------------------------------ */

/* _compile(paths: list[bytes], texts: list[tuple[bytes, bytes]], fold_flags: int,
 *          max_entries: int) -> Database */
static PyObject *mod_compile(PyObject *mod, PyObject *args)
{
    PyObject *paths, *texts;
    unsigned long fold_flags, max_entries;
    if (!PyArg_ParseTuple(args, "O!O!kk:_compile", &PyList_Type, &paths, &PyList_Type, &texts,
                          &fold_flags, &max_entries))
        return NULL;
    Py_ssize_t np = PyList_GET_SIZE(paths), nt = PyList_GET_SIZE(texts);
    Py_ssize_t n = np + nt;
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "compile() needs at least one dictionary");
        return NULL;
    }
    /* Keep our own references: the lists could change while the GIL is released. */
    PyObject *keep = PyList_New(0);
    screener_source *src = PyMem_Calloc((size_t)n, sizeof *src);
    PyObject *result = NULL;
    if (!keep || !src) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < np; i++) {
        PyObject *p = PyList_GET_ITEM(paths, i);
        if (!PyBytes_Check(p)) {
            PyErr_SetString(PyExc_TypeError, "paths must be bytes");
            goto done;
        }
        if ((size_t)PyBytes_GET_SIZE(p) != strlen(PyBytes_AS_STRING(p))) {
            PyErr_SetString(PyExc_ValueError, "embedded NUL in path");
            goto done;
        }
        if (PyList_Append(keep, p) < 0)
            goto done;
        src[i].path = PyBytes_AS_STRING(p);
    }
    for (Py_ssize_t i = 0; i < nt; i++) {
        PyObject *t = PyList_GET_ITEM(texts, i), *name, *text;
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2 ||
            !PyBytes_Check(name = PyTuple_GET_ITEM(t, 0)) ||
            !PyBytes_Check(text = PyTuple_GET_ITEM(t, 1))) {
            PyErr_SetString(PyExc_TypeError, "texts must be (bytes, bytes) tuples");
            goto done;
        }
        if ((size_t)PyBytes_GET_SIZE(name) != strlen(PyBytes_AS_STRING(name))) {
            PyErr_SetString(PyExc_ValueError, "embedded NUL in source name");
            goto done;
        }
        if (PyList_Append(keep, t) < 0)
            goto done;
        src[np + i].name = PyBytes_AS_STRING(name);
        src[np + i].text = PyBytes_AS_STRING(text);
        src[np + i].len = (size_t)PyBytes_GET_SIZE(text);
    }
    screener_compile_options opt;
    memset(&opt, 0, sizeof opt);
    opt.struct_size = sizeof opt;
    opt.fold_flags = (uint32_t)fold_flags;
    opt.max_entries = (uint32_t)max_entries;
    screener_db *db = NULL;
    screener_error *err = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = screener_compile(&opt, src, (size_t)n, &db, &err);
    Py_END_ALLOW_THREADS
    if (rc != SCREENER_OK)
        raise_status(rc, err);
    else
        result = Database_wrap(&DatabaseType, db);
done:
    Py_XDECREF(keep);
    PyMem_Free(src);
    return result;
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
    screener_scratch *s = pool_pop(db);
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
    pool_push(db, s);
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
    screener_scratch *s = pool_pop(db);
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
    pool_push(db, s);
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
    return PyLong_FromSize_t(((DatabaseObject *)arg)->pool_n);
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

static PyMethodDef module_methods[] = {
    {"fold_families", mod_fold_families, METH_NOARGS,
     "fold_families() -> list of (name, flag, description): the library's fold families."},
    {"detectors", mod_detectors, METH_NOARGS,
     "detectors() -> list of str: the library's built-in detectors (@detect NAME)."},
    {"_fold_flags_parse", mod_fold_flags_parse, METH_O,
     "_fold_flags_parse(list) -> int: screener_fold_flags_parse() of a comma list."},
    {"_compile", mod_compile, METH_VARARGS, "Low-level screener_compile(); use screener.compile()."},
    {"_db_from_bytes", mod_db_from_bytes, METH_O, "Database.from_bytes (for pickle)."},
    {"_c_loop_scan", mod_c_loop_scan, METH_VARARGS,
     "_c_loop_scan(db, data, n, clock=0) -> ns for n screener_scan() calls in a C loop\n"
     "(benchmarks; clock 0 = monotonic wall time, 1 = this thread's CPU time)."},
    {"_c_loop_scan_batch", mod_c_loop_scan_batch, METH_VARARGS,
     "_c_loop_scan_batch(db, messages, n, clock=0) -> ns for n screener_scan_batch() calls\n"
     "(benchmarks; clock as for _c_loop_scan)."},
    {"_pool_size", mod_pool_size, METH_O, "Idle scratches pooled by a Database (tests)."},
    {"strerror", mod_strerror, METH_O, "strerror(status) -> str: name of a C status code."},
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
    Py_DECREF(types);
    if (!g_make_error || !g_Entry || !g_Fold)
        return NULL;
    for (int i = 0; i <= SCREENER_ACTION_BLOCK; i++) {
        g_action_names[i] = PyUnicode_InternFromString(screener_action_name(i));
        if (!g_action_names[i])
            return NULL;
    }
    if (PyType_Ready(&MatchType) < 0 || PyType_Ready(&ResultType) < 0 ||
        PyType_Ready(&DatabaseType) < 0 || PyType_Ready(&HandleType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    Py_INCREF(&DatabaseType);
    Py_INCREF(&ResultType);
    Py_INCREF(&MatchType);
    Py_INCREF(&HandleType);
    if (PyModule_AddObject(m, "Database", (PyObject *)&DatabaseType) < 0 ||
        PyModule_AddObject(m, "Result", (PyObject *)&ResultType) < 0 ||
        PyModule_AddObject(m, "Match", (PyObject *)&MatchType) < 0 ||
        PyModule_AddObject(m, "Handle", (PyObject *)&HandleType) < 0 ||
        PyModule_AddStringConstant(m, "library_version", screener_version_string()) < 0 ||
        PyModule_AddIntConstant(m, "library_version_number", (long)screener_version()) < 0 ||
        PyModule_AddStringConstant(m, "header_version", SCREENER_VERSION_STRING) < 0 ||
        PyModule_AddIntConstant(m, "_FOLD_ALL", (long)SCREENER_FOLD_ALL) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
