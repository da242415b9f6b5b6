package screener

/*
#cgo pkg-config: screener
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// liveDBs counts C databases not yet freed (for tests of the cleanup).
var liveDBs atomic.Int64

// Version returns the version of the linked C library, e.g. "0.1.0".
func Version() string { return C.GoString(C.screener_version_string()) }

// Action is a recommended action, ordered by strength.
type Action int

// Actions (SCREENER_ACTION_*).
const (
	Pass   Action = C.SCREENER_ACTION_PASS   // nothing to do
	Review Action = C.SCREENER_ACTION_REVIEW // let through, queue for a moderator
	Mask   Action = C.SCREENER_ACTION_MASK   // replace the matched spans
	Block  Action = C.SCREENER_ACTION_BLOCK  // reject the message
)

// Fold is a set of fold families (SCREENER_FOLD_*): the ways a disguised
// term is brought back to its dictionary form before matching.
type Fold uint32

// Fold families.
const (
	FoldCompat      Fold = C.SCREENER_FOLD_COMPAT      // NFKC: full-width, circled, Kangxi radicals, ligatures
	FoldCase        Fold = C.SCREENER_FOLD_CASE        // case folding
	FoldTraditional Fold = C.SCREENER_FOLD_TRADITIONAL // traditional -> simplified Chinese
	FoldAccents     Fold = C.SCREENER_FOLD_ACCENTS     // drop Latin/Greek/Cyrillic combining accents
	FoldNoise       Fold = C.SCREENER_FOLD_NOISE       // drop spaces, punctuation, symbols, emoji, zero-width
	FoldHomoglyph   Fold = C.SCREENER_FOLD_HOMOGLYPH   // Cyrillic/Greek/other look-alike letters -> ASCII
	FoldRepeats     Fold = C.SCREENER_FOLD_REPEATS     // stretched letters: fuuuuck matches fuck
	FoldLeet        Fold = C.SCREENER_FOLD_LEET        // leetspeak in Latin terms: sh1t, a$s, f 4 c k
	FoldAll         Fold = C.SCREENER_FOLD_ALL         // every family of the header built against

	// FoldNone asks for exact matching (no fold family at all). The zero
	// Fold means FoldAll.
	FoldNone Fold = C.SCREENER_FOLD_EXPLICIT
)

const foldExplicit = C.SCREENER_FOLD_EXPLICIT

// Options configure Compile. The zero value means the defaults.
type Options struct {
	// Fold selects the fold families; 0 means FoldAll, FoldNone means
	// exact matching.
	Fold Fold
	// MaxEntries limits the number of entries; 0 means the library
	// default (2,000,000).
	MaxEntries int
}

// Source is one dictionary input: a file (see File) or in-memory text
// (see Text). The dictionary format is one term per line, optionally
// followed by a TAB and attributes (category=NAME severity=N allow word
// substring), with # comments and @category NAME / @severity N directives.
// Terms take the source name's base name without extension as their
// default category.
type Source struct {
	path, name, text string
	mem              bool
}

// File is a dictionary read from the file at path.
func File(path string) Source { return Source{path: path} }

// Text is an in-memory dictionary. name is used in error messages and gives
// the default category (its base name without extension); "" means
// "<memory>".
func Text(name, text string) Source { return Source{name: name, text: text, mem: true} }

// WithName returns s with its name (for messages and the default category)
// replaced.
func (s Source) WithName(name string) Source { s.name = name; return s }

// DB is a compiled database. It is safe for concurrent use by any number
// of goroutines: each scan borrows a C scratch from a pool owned by the DB.
// Call Close when done with it; a cleanup frees it if it becomes
// unreachable first, but only as a backstop.
type DB struct {
	h *handle
	// prof is the profile of a view made by WithProfile (nil: defaults);
	// root is the DB the view was made from, kept reachable so that its
	// cleanup cannot free the database while the view is in use.
	prof *profile
	root *DB
}

// handle owns the C objects. It is separate from DB so that the cleanup
// attached to a DB can reference it.
type handle struct {
	mu      sync.Mutex
	idle    sync.Cond          // signalled when active drops to 0 after Close
	db      *C.screener_db     // for a DB
	hd      *C.screener_handle // for a Handle (then db is nil)
	free    []*C.scrgo_scratch // idle scratches, at most maxIdle
	maxIdle int
	active  int // calls currently using db
	closed  bool

	// Metadata, read once at open.
	entries     int
	fold        Fold
	fingerprint string
	categories  []string
	catInfo     []CategoryInfo
}

func newDB(cdb *C.screener_db) *DB {
	h := &handle{db: cdb}
	h.idle.L = &h.mu
	h.maxIdle = 4 * runtime.GOMAXPROCS(0)
	if h.maxIdle < 8 {
		h.maxIdle = 8
	}
	var info C.scrgo_db_info
	C.scrgo_db_info_get(cdb, &info)
	h.entries = int(info.entry_count)
	h.fold = Fold(info.fold_flags) &^ foldExplicit
	h.fingerprint = C.GoString(info.fingerprint)
	n := int(info.category_count)
	h.categories = make([]string, n)
	h.catInfo = make([]CategoryInfo, n)
	for i := range n {
		var ci C.screener_category_info
		if C.screener_db_category(cdb, C.uint32_t(i), &ci) != 0 {
			ci = C.screener_category_info{}
		}
		c := &h.catInfo[i]
		c.ID = i
		c.Name = C.GoString(ci.id)
		c.NameZH = C.GoString(ci.name_zh)
		c.NameEN = C.GoString(ci.name_en)
		for s := range c.Actions {
			c.Actions[s] = Action(ci.actions[s])
		}
		h.categories[i] = c.Name
	}
	liveDBs.Add(1)
	d := &DB{h: h}
	runtime.AddCleanup(d, func(h *handle) { h.close() }, h)
	return d
}

// acquire marks a call in flight and returns the C database.
func (h *handle) acquire() (*C.screener_db, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	h.active++
	db := h.db
	h.mu.Unlock()
	return db, nil
}

func (h *handle) release() {
	h.mu.Lock()
	h.active--
	if h.closed && h.active == 0 {
		h.idle.Broadcast()
	}
	h.mu.Unlock()
}

// acquireScratch is acquire plus a scratch from the pool (or a new one)
// set to profile p (nil: the defaults). A pooled scratch remembers the id of
// the profile it was last set to, so a run of calls with one profile sets it
// once.
func (h *handle) acquireScratch(p *profile) (*C.screener_db, *C.scrgo_scratch, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, nil, ErrClosed
	}
	h.active++
	db := h.db
	var g *C.scrgo_scratch
	if n := len(h.free); n > 0 {
		g = h.free[n-1]
		h.free[n-1] = nil
		h.free = h.free[:n-1]
	}
	h.mu.Unlock()
	if g == nil {
		var err error
		if g, err = h.newScratch(db); err != nil {
			h.release()
			return nil, nil, err
		}
	}
	if err := p.setOn(g); err != nil {
		h.releaseScratch(g)
		return nil, nil, err
	}
	return db, g, nil
}

// newScratch is separate so that its out-parameter does not make the fast
// path's locals escape to the heap.
func (h *handle) newScratch(db *C.screener_db) (*C.scrgo_scratch, error) {
	var rc C.int
	var g *C.scrgo_scratch
	if h.hd != nil {
		g = C.scrgo_scratch_new_h(h.hd, &rc)
	} else {
		g = C.scrgo_scratch_new(db, &rc)
	}
	if g == nil {
		return nil, statusError(rc)
	}
	return g, nil
}

func (h *handle) releaseScratch(g *C.scrgo_scratch) {
	h.mu.Lock()
	if len(h.free) < h.maxIdle && !h.closed {
		h.free = append(h.free, g)
		g = nil
	}
	h.active--
	if h.closed && h.active == 0 {
		h.idle.Broadcast()
	}
	h.mu.Unlock()
	if g != nil {
		C.scrgo_scratch_free(g)
	}
}

// close waits for calls in flight, then frees the scratches and the db
// (or handle).
func (h *handle) close() {
	if db := h.detach(); db != nil {
		C.screener_db_free(db)
	}
}

// detach is close without freeing the C database, which it returns (nil
// if already closed, or for a Handle, whose C handle it frees).
func (h *handle) detach() *C.screener_db {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	for h.active > 0 {
		h.idle.Wait()
	}
	for i, g := range h.free {
		C.scrgo_scratch_free(g)
		h.free[i] = nil
	}
	h.free = nil
	if h.hd != nil {
		C.screener_handle_free(h.hd)
		h.hd = nil
		return nil
	}
	db := h.db
	h.db = nil
	liveDBs.Add(-1)
	return db
}

// Close frees the database and its pooled scratches. It waits for scans
// already running on other goroutines; afterwards every method returns
// ErrClosed. Closing twice is a no-op. A DB and the views made from it by
// WithProfile share one database: closing any of them closes it for all.
func (d *DB) Close() error {
	d.h.close()
	return nil
}

// statusError turns a bare status into an *Error.
func statusError(rc C.int) error {
	s := Status(rc)
	return &Error{Status: s, Message: s.String()}
}

// takeError converts (and frees) a screener_error, falling back to rc.
func takeError(rc C.int, cerr *C.screener_error) error {
	if cerr == nil {
		return statusError(rc)
	}
	defer C.screener_error_free(cerr)
	var info C.scrgo_error_info
	C.scrgo_error_get(cerr, &info)
	e := &Error{
		Status:  Status(info.status),
		Message: C.GoString(info.message),
		Line:    int(info.line),
	}
	if info.file != nil {
		e.File = C.GoString(info.file)
	}
	if e.Status == 0 {
		e.Status = Status(rc)
	}
	if e.Status == ErrIO {
		e.Errno = errnoIn(e.Message)
	}
	return e
}

// Compile compiles dictionaries into a database with the default options
// (all fold families). It is slow (ICU and Hyperscan run): call it off the
// hot path.
func Compile(sources ...Source) (*DB, error) {
	return CompileWith(Options{}, sources...)
}

// CompileWith is Compile with options.
func CompileWith(opts Options, sources ...Source) (*DB, error) {
	var cdb *C.screener_db
	err := withCSources(opts, sources, func(copts *C.screener_compile_options, src *C.screener_source, n C.size_t) error {
		var cerr *C.screener_error
		if rc := C.screener_compile(copts, src, n, &cdb, &cerr); rc != 0 {
			return takeError(rc, cerr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return newDB(cdb), nil
}

// withCSources converts opts and sources to C for the duration of call.
// The source array and every string it points to live in C memory: C must
// not be handed Go memory that holds Go pointers.
func withCSources(opts Options, sources []Source, call func(*C.screener_compile_options, *C.screener_source, C.size_t) error) error {
	if len(sources) == 0 {
		return &Error{Status: ErrInvalidArgument, Message: "no dictionary source"}
	}
	if opts.MaxEntries < 0 || uint64(opts.MaxEntries) > 1<<32-1 {
		return &Error{Status: ErrInvalidArgument, Message: "MaxEntries out of range"}
	}
	n := len(sources)
	for _, s := range sources {
		if strings.IndexByte(s.path, 0) >= 0 || strings.IndexByte(s.name, 0) >= 0 {
			return &Error{Status: ErrInvalidArgument, Message: "NUL byte in a source path or name"}
		}
	}
	p := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.screener_source{})))
	if p == nil {
		return statusError(C.SCREENER_E_NOMEM)
	}
	csrc := unsafe.Slice((*C.screener_source)(p), n)
	var allocs []unsafe.Pointer
	defer func() {
		for _, a := range allocs {
			C.free(a)
		}
		C.free(p)
	}()
	cstr := func(s string) *C.char {
		c := C.CString(s)
		allocs = append(allocs, unsafe.Pointer(c))
		return c
	}
	for i, s := range sources {
		if s.mem {
			if len(s.text) > 0 {
				t := C.CBytes(unsafe.Slice(unsafe.StringData(s.text), len(s.text)))
				allocs = append(allocs, t)
				csrc[i].text = (*C.char)(t)
			} else {
				csrc[i].text = cstr("")
			}
			csrc[i].len = C.size_t(len(s.text))
		} else {
			csrc[i].path = cstr(s.path)
		}
		if s.name != "" {
			csrc[i].name = cstr(s.name)
		}
	}
	var copts C.screener_compile_options
	copts.struct_size = C.size_t(unsafe.Sizeof(copts))
	if opts.Fold != 0 {
		copts.fold_flags = C.uint32_t(opts.Fold | foldExplicit)
	}
	copts.max_entries = C.uint32_t(opts.MaxEntries)
	return call(&copts, &csrc[0], C.size_t(n))
}

// Load reads a database file written by Save (or `screener compile`).
func Load(path string) (*DB, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return nil, &Error{Status: ErrInvalidArgument, Message: "NUL byte in path"}
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var cdb *C.screener_db
	var cerr *C.screener_error
	if rc := C.screener_db_load(cpath, &cdb, &cerr); rc != 0 {
		return nil, takeError(rc, cerr)
	}
	return newDB(cdb), nil
}

// LoadVerified loads a database file only if it is signed (`screener compile
// --sign`) by one of the public key files (`screener keygen`); otherwise the
// error is ErrDBSignature (unsigned, another key, or changed after signing),
// found before any byte of the database is interpreted. Key file problems
// are ErrIO or ErrInvalidArgument naming the file. With no key files it is Load.
func LoadVerified(path string, publicKeyFiles ...string) (*DB, error) {
	var cdb *C.screener_db
	if err := loadVerified(nil, path, publicKeyFiles, &cdb); err != nil {
		return nil, err
	}
	return newDB(cdb), nil
}

// loadVerified is the one cgo call behind LoadVerified and Handle.LoadVerified.
func loadVerified(hd *C.screener_handle, path string, keys []string, out **C.screener_db) error {
	for _, s := range append([]string{path}, keys...) {
		if strings.IndexByte(s, 0) >= 0 {
			return &Error{Status: ErrInvalidArgument, Message: "NUL byte in path"}
		}
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	n := len(keys)
	ckeys := (*[1 << 20]*C.char)(C.malloc(C.size_t(n+1) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[: n+1 : n+1]
	defer C.free(unsafe.Pointer(&ckeys[0]))
	for i, k := range keys {
		ckeys[i] = C.CString(k)
		defer C.free(unsafe.Pointer(ckeys[i]))
	}
	var cerr *C.screener_error
	if rc := C.scrgo_load_verified(hd, cpath, &ckeys[0], C.size_t(n), out, &cerr); rc != 0 {
		return takeError(rc, cerr)
	}
	return nil
}

// FromBytes rebuilds a database from the bytes of Bytes. Damaged or foreign
// input gives an *Error (ErrDBFormat, ErrDBChecksum, ErrDBVersion or
// ErrDBPlatform). The checksum is not authentication: only load databases
// you trust. b is not retained.
func FromBytes(b []byte) (*DB, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	var cdb *C.screener_db
	var cerr *C.screener_error
	if rc := C.screener_db_deserialize(p, C.size_t(len(b)), &cdb, &cerr); rc != 0 {
		return nil, takeError(rc, cerr)
	}
	return newDB(cdb), nil
}

// SaveSigned writes the database to a file (atomically) followed by an
// Ed25519 signature made with the secret key file (`screener keygen`), for
// services that load it with LoadVerified.
func (d *DB) SaveSigned(path, secretKeyFile string) error {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return err
	}
	defer d.h.release()
	if strings.IndexByte(path, 0) >= 0 || strings.IndexByte(secretKeyFile, 0) >= 0 {
		return &Error{Status: ErrInvalidArgument, Message: "NUL byte in path"}
	}
	cpath, ckey := C.CString(path), C.CString(secretKeyFile)
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(ckey))
	var cerr *C.screener_error
	if rc := C.scrgo_save_signed(cdb, cpath, ckey, &cerr); rc != 0 {
		return takeError(rc, cerr)
	}
	return nil
}

// Save writes the database to a file (atomically).
func (d *DB) Save(path string) error {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return err
	}
	defer d.h.release()
	if strings.IndexByte(path, 0) >= 0 {
		return &Error{Status: ErrInvalidArgument, Message: "NUL byte in path"}
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var cerr *C.screener_error
	if rc := C.screener_db_save(cdb, cpath, &cerr); rc != 0 {
		return takeError(rc, cerr)
	}
	return nil
}

// Bytes serializes the database (see FromBytes).
func (d *DB) Bytes() ([]byte, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	var buf unsafe.Pointer
	var n C.size_t
	if rc := C.screener_db_serialize(cdb, &buf, &n); rc != 0 {
		return nil, statusError(rc)
	}
	defer C.screener_free(buf)
	return append([]byte(nil), unsafe.Slice((*byte)(buf), int(n))...), nil
}

// EntryInfo is the metadata of one dictionary entry.
type EntryInfo struct {
	ID         int    // entry id, as in Match.EntryID
	Term       string // as written in the dictionary
	Category   string // category identifier
	CategoryID int    // see DB.Category
	Severity   int    // 1 (light) .. 4 (malicious)
	Allow      bool   // allow-list entry: suppresses deny matches inside it
	Word       bool   // must match as a whole word
	Substring  bool   // never needs word boundaries
	Detector   bool   // a built-in detector (@detect NAME); Term is NAME
	Regex      bool   // a regular expression entry (PATTERN<TAB>regex)
	Numerals   bool   // its ASCII digits also match Chinese numerals (numerals, @numerals on)
	Source     string // dictionary file or source name
	Line       int    // 1-based line in Source
	// Reason says why the compiler generated this entry from another one
	// (dictionary @forms / forms=), e.g. "inflection of fuck"; "" for
	// entries written in a dictionary.
	Reason string
}

// Entry returns the metadata of entry id (0 .. EntryCount()-1, as in
// Match.EntryID).
func (d *DB) Entry(id int) (EntryInfo, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return EntryInfo{}, err
	}
	defer d.h.release()
	if id < 0 || id >= d.h.entries {
		return EntryInfo{}, &Error{Status: ErrInvalidArgument, Message: "unknown entry id"}
	}
	var ci C.screener_entry_info
	if rc := C.screener_db_entry(cdb, C.uint32_t(id), &ci); rc != 0 {
		return EntryInfo{}, statusError(rc)
	}
	return EntryInfo{
		ID:         id,
		Term:       C.GoString(ci.term),
		Category:   C.GoString(ci.category),
		CategoryID: int(ci.category_id),
		Severity:   int(ci.severity),
		Allow:      ci.flags&C.SCREENER_ENTRY_ALLOW != 0,
		Word:       ci.flags&C.SCREENER_ENTRY_WORD != 0,
		Substring:  ci.flags&C.SCREENER_ENTRY_SUBSTRING != 0,
		Detector:   ci.flags&C.SCREENER_ENTRY_DETECTOR != 0,
		Regex:      ci.flags&C.SCREENER_ENTRY_REGEX != 0,
		Numerals:   ci.flags&C.SCREENER_ENTRY_NUMERALS != 0,
		Source:     C.GoString(ci.source),
		Line:       int(ci.line),
		Reason:     C.GoString(C.screener_db_entry_reason(cdb, C.uint32_t(id))),
	}, nil
}

// Info describes a database (what `screener info` prints).
type Info struct {
	FormatVersion    int    // database format version
	LibraryVersion   int    // screener version that compiled it (MAJOR*10000 + MINOR*100 + PATCH)
	HyperscanVersion string // Hyperscan version at compile time
	ICUVersion       string // ICU version that built the fold table
	Fold             Fold   // fold families it was compiled with
	Fingerprint      string // as DB.Fingerprint
	Entries          int    // dictionary entries
	Literals         int    // distinct folded terms (Hyperscan literals)
	Categories       int    // number of categories
	SerializedSize   int    // bytes of the database file
	HyperscanSize    int    // bytes of Hyperscan's serialized database within it
	FoldTableSize    int    // bytes of the fold table within it (as stored: packed since format 8)
	// FoldTableUnpackedSize is the fold table's size once unpacked at load
	// (held in memory while the database is open).
	FoldTableUnpackedSize int
}

// Info returns the database's metadata.
func (d *DB) Info() (Info, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return Info{}, err
	}
	defer d.h.release()
	var ci C.screener_db_info
	ci.struct_size = C.size_t(unsafe.Sizeof(ci))
	if rc := C.screener_db_get_info(cdb, &ci); rc != 0 {
		return Info{}, statusError(rc)
	}
	return Info{
		FormatVersion:         int(ci.format_version),
		LibraryVersion:        int(ci.library_version),
		HyperscanVersion:      C.GoString(ci.hyperscan_version),
		ICUVersion:            C.GoString(ci.icu_version),
		Fold:                  Fold(ci.fold_flags) &^ foldExplicit,
		Fingerprint:           C.GoString(ci.fingerprint),
		Entries:               int(ci.n_entries),
		Literals:              int(ci.n_literals),
		Categories:            int(ci.n_categories),
		SerializedSize:        int(ci.serialized_size),
		HyperscanSize:         int(ci.hyperscan_size),
		FoldTableSize:         int(ci.fold_table_size),
		FoldTableUnpackedSize: int(ci.fold_table_unpacked_size),
	}, nil
}

// EntryCount is the number of entries (deny and allow).
func (d *DB) EntryCount() int { return d.h.entries }

// Categories returns the category identifiers, indexed by category id
// (Match.CategoryID, CategoryInfo.ID). See Category for display names and
// policy. Still available after Close.
func (d *DB) Categories() []string { return append([]string(nil), d.h.categories...) }

// FoldFlags returns the fold families the database was compiled with.
func (d *DB) FoldFlags() Fold { return d.h.fold }

// Fingerprint is the dictionary fingerprint: 32 lowercase hex digits,
// equal for equal dictionaries. Still available after Close.
func (d *DB) Fingerprint() string { return d.h.fingerprint }

// Fold returns text folded the way scans see it (for explaining a
// decision). Invalid UTF-8 appears as U+FFFD. Not for the hot path.
func (d *DB) Fold(text string) (string, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return "", err
	}
	defer d.h.release()
	var out *C.char
	var n C.size_t
	if rc := C.screener_fold_utf8(cdb, strPtr(text), C.size_t(len(text)), &out, &n); rc != 0 {
		return "", statusError(rc)
	}
	defer C.screener_free(unsafe.Pointer(out))
	return string(unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n))), nil
}

// strPtr returns s's bytes for the duration of a cgo call (nil if empty).
func strPtr(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// unsafeBytes views s's bytes as a slice, for passing to C (which only
// reads them) for the duration of a call.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}
