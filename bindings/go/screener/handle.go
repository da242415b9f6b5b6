package screener

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// Handle serves a database that can be replaced while scans run (hot
// reload). Every scan sees exactly one database from start to end; scans
// running during a reload finish on the old one, which is freed when the
// last of them returns. A failed Load or Compile keeps the current
// database. Verdict.DBVersion and Verdict.Fingerprint say which database
// produced a result.
//
// A Handle is safe for concurrent use by any number of goroutines,
// reloads included. Call Close when done with it.
type Handle struct {
	h *handle
	// As for DB: the profile of a view made by WithProfile, and the Handle
	// it was made from.
	prof *profile
	root *Handle
}

// NewHandle creates a handle serving db, which it takes over: db is closed
// (its scans finish first) and must not be used afterwards. The version is 1.
func NewHandle(db *DB) (*Handle, error) {
	cdb := db.h.detach()
	runtime.KeepAlive(db)
	if cdb == nil {
		return nil, ErrClosed
	}
	var hd *C.screener_handle
	if rc := C.screener_handle_new(cdb, &hd); rc != 0 {
		return nil, statusError(rc) // the C handle took ownership of cdb
	}
	h := &handle{hd: hd}
	h.idle.L = &h.mu
	h.maxIdle = max(8, 4*runtime.GOMAXPROCS(0))
	hh := &Handle{h: h}
	runtime.AddCleanup(hh, func(h *handle) { h.close() }, h)
	return hh, nil
}

// Close frees the handle, its database and its pooled scratches, after
// the calls already running. Later calls return ErrClosed. A Handle and the
// views made from it by WithProfile share one handle: closing any of them
// closes it for all.
func (hh *Handle) Close() error {
	hh.h.close()
	return nil
}

// Version is the version of the current database: 1, then one more per
// successful Swap, Load or Compile.
func (hh *Handle) Version() (uint64, error) {
	defer runtime.KeepAlive(hh)
	h := hh.h
	if _, err := h.acquire(); err != nil {
		return 0, err
	}
	defer h.release()
	return uint64(C.screener_handle_version(h.hd)), nil
}

// Swap makes db current. The handle takes db over: db is closed (its scans
// finish first) and must not be used afterwards.
func (hh *Handle) Swap(db *DB) error {
	defer runtime.KeepAlive(hh)
	h := hh.h
	if _, err := h.acquire(); err != nil {
		return err
	}
	defer h.release()
	cdb := db.h.detach()
	runtime.KeepAlive(db)
	if cdb == nil {
		return ErrClosed
	}
	if rc := C.screener_handle_swap(h.hd, cdb); rc != 0 {
		return statusError(rc)
	}
	return nil
}

// Load loads a database file and makes it current. On failure the current
// database stays.
func (hh *Handle) Load(path string) error {
	defer runtime.KeepAlive(hh)
	if strings.IndexByte(path, 0) >= 0 {
		return &Error{Status: ErrInvalidArgument, Message: "NUL byte in path"}
	}
	h := hh.h
	if _, err := h.acquire(); err != nil {
		return err
	}
	defer h.release()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var cerr *C.screener_error
	if rc := C.screener_handle_load(h.hd, cpath, &cerr); rc != 0 {
		return takeError(rc, cerr)
	}
	return nil
}

// LoadVerified loads a database file signed by one of the public key files
// (see the package-level LoadVerified) and makes it current. On failure
// (ErrDBSignature for a file not signed by a trusted key) the current
// database stays.
func (hh *Handle) LoadVerified(path string, publicKeyFiles ...string) error {
	defer runtime.KeepAlive(hh)
	h := hh.h
	if _, err := h.acquire(); err != nil {
		return err
	}
	defer h.release()
	return loadVerified(h.hd, path, publicKeyFiles, nil)
}

// Compile compiles dictionaries (default options) and makes the result
// current. On failure the current database stays.
func (hh *Handle) Compile(sources ...Source) error {
	return hh.CompileWith(Options{}, sources...)
}

// CompileWith is Compile with options.
func (hh *Handle) CompileWith(opts Options, sources ...Source) error {
	defer runtime.KeepAlive(hh)
	h := hh.h
	if _, err := h.acquire(); err != nil {
		return err
	}
	defer h.release()
	return withCSources(opts, sources, func(copts *C.screener_compile_options, src *C.screener_source, n C.size_t) error {
		var cerr *C.screener_error
		if rc := C.screener_handle_compile(h.hd, copts, src, n, &cerr); rc != 0 {
			return takeError(rc, cerr)
		}
		return nil
	})
}

// Scan scans one message with the current database; see DB.Scan.
func (hh *Handle) Scan(text string) ([]Match, Verdict, error) {
	defer runtime.KeepAlive(hh)
	var out [1]Result
	texts := [1]string{text}
	err := hh.h.scanWith(hh.prof, func(_ *C.screener_db, g *C.scrgo_scratch) C.int {
		return C.scrgo_handle_scan(hh.h.hd, g, strPtr(text), C.size_t(len(text)))
	}, func(g *C.scrgo_scratch) { buildCopied(g, out[:], texts[:]) })
	return out[0].Matches, out[0].Verdict, err
}

// ScanBatch scans many messages with one database version, in one call
// into the C library; see DB.ScanBatch.
func (hh *Handle) ScanBatch(msgs []string) ([]Result, error) {
	defer runtime.KeepAlive(hh)
	return hh.h.scanBatchWith(hh.prof, msgs,
		func(_ *C.screener_db, g *C.scrgo_scratch, data *C.char, offs *C.size_t, n C.size_t) C.int {
			return C.scrgo_handle_scan_batch(hh.h.hd, g, data, offs, n)
		}, func(g *C.scrgo_scratch, out []Result) { buildCopied(g, out, msgs) })
}

// MaskWith masks text with the current database; see DB.MaskWith. A
// reload between a Scan and a MaskWith call makes them use different
// databases: compare Verdict.DBVersion with Version when that matters.
func (hh *Handle) MaskWith(text string, opts MaskOptions) (string, error) {
	defer runtime.KeepAlive(hh)
	flags, err := opts.cflags()
	if err != nil {
		return "", err
	}
	h := hh.h
	_, g, err := h.acquireScratch(hh.prof)
	if err != nil {
		return "", err
	}
	var out *C.char
	var n C.size_t
	rc := C.scrgo_handle_mask(h.hd, g, strPtr(text), C.size_t(len(text)), flags, C.uint32_t(opts.Char), &out, &n)
	h.releaseScratch(g)
	return takeMasked(rc, out, n)
}

// buildCopied converts the results of a handle scan, whose strings the
// shim copied into g.sbuf: one Go string holds them all.
func buildCopied(g *C.scrgo_scratch, out []Result, texts []string) {
	sb := string(unsafe.Slice((*byte)(unsafe.Pointer(g.sbuf)), int(g.sbuf_len)))
	str := func(s C.scrgo_str) string { return sb[s.off : s.off+s.len] }
	fp := str(g.h_fp)
	version := uint64(g.h_version)
	results := unsafe.Slice(g.res, len(out))
	nm := 0
	for i := range results {
		nm += int(results[i].n_matches)
	}
	var all []Match
	var terms, mcats []C.scrgo_str
	if nm > 0 {
		all = make([]Match, nm)
		terms = unsafe.Slice(g.h_terms, nm)
		mcats = unsafe.Slice(g.h_mcats, nm)
	}
	var cats []string
	var vcats []C.scrgo_str
	if nc := int(g.n_categories); nc > 0 {
		cats = make([]string, nc)
		vcats = unsafe.Slice(g.h_vcats, nc)
	}
	k, c := 0, 0
	for i := range results {
		r := &results[i]
		v := &out[i].Verdict
		v.Action = Action(r.action)
		v.Severity = int(r.severity)
		v.Truncated = r.truncated != 0
		v.Fingerprint = fp
		v.DBVersion = version
		if n := int(r.n_categories); n > 0 {
			vc := cats[c : c+n : c+n]
			for j := range vc {
				vc[j] = str(vcats[c+j])
			}
			v.Categories = vc
			c += n
		}
		n := int(r.n_matches)
		if n == 0 {
			continue
		}
		ms := all[k : k+n : k+n]
		text := texts[i]
		for j, cm := range unsafe.Slice(r.matches, n) {
			m := &ms[j]
			m.Start = int(cm.start)
			m.End = int(cm.end)
			m.Term = str(terms[k+j])
			m.Category = str(mcats[k+j])
			m.CategoryID = int(cm.category_id)
			m.Severity = int(cm.severity)
			m.Action = Action(cm.action)
			m.Suppressed = cm.flags&C.SCREENER_MATCH_SUPPRESSED != 0
			m.Selected = cm.flags&C.SCREENER_MATCH_SELECTED != 0
			m.EntryID = int(cm.entry_id)
			m.Text = text[m.Start:m.End]
		}
		out[i].Matches = ms
		k += n
	}
}
