package screener

/*
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Match is one dictionary term found in a message. Start and End are byte
// offsets into the scanned string or slice (text[Start:End] is the
// possibly disguised occurrence).
type Match struct {
	Start, End int    // byte span in the scanned text (a Stream: since its start)
	Term       string // the dictionary term, as written in the dictionary
	Category   string // the category's identifier
	CategoryID int    // see DB.Category
	Severity   int    // 1 (light) .. 4 (malicious)
	Action     Action // recommended for this match (the database's policy or the profile's)
	// Text is the matched text, text[Start:End]; "" for a Stream's matches
	// (the stream does not keep the text it has scanned).
	Text string
	// Suppressed is set when an allow-list entry covers the match: it is
	// reported (so a service can explain) but does not count in the Verdict.
	Suppressed bool
	// Selected is set for the matches of the leftmost-longest
	// non-overlapping selection of the unsuppressed matches (what to show
	// or mask when overlaps are not wanted: 我的世界 rather than 我的 inside
	// it). For a Stream the selection is made per Write.
	Selected bool
	EntryID  int // see DB.Entry (Reason says why a generated form exists)
}

// Verdict summarises the counted (not suppressed) matches of a message.
type Verdict struct {
	Action     Action   // strongest action; Pass if none
	Severity   int      // highest severity; 0 if none
	Categories []string // sorted by category id, distinct
	// Truncated is set when the message had more matches than the library
	// reports per message (100,000): Matches holds the leftmost ones and
	// the verdict covers only them.
	Truncated bool
	// Fingerprint of the database that produced the result, and for a
	// Handle its version there (0 for a DB scan).
	Fingerprint string
	DBVersion   uint64 // see Fingerprint
}

// Result is the outcome for one message of a batch.
type Result struct {
	Matches []Match // as DB.Scan returns them
	Verdict Verdict // summary of the counted matches
}

// Scan scans one message. text may hold any bytes: invalid UTF-8 and NUL
// bytes are ordinary input. Matches are sorted by (Start, End, EntryID),
// overlapping ones included; Match.Text is a substring of text. Safe for
// concurrent use.
func (d *DB) Scan(text string) ([]Match, Verdict, error) {
	defer runtime.KeepAlive(d)
	var out [1]Result
	texts := [1]string{text}
	err := d.h.scanWith(d.prof, func(db *C.screener_db, g *C.scrgo_scratch) C.int {
		return C.scrgo_scan(db, g, strPtr(text), C.size_t(len(text)))
	}, func(g *C.scrgo_scratch) { d.h.build(g, out[:], texts[:], nil) })
	return out[0].Matches, out[0].Verdict, err
}

// ScanBytes is Scan for a byte slice. Match.Text is a copy; b is not
// retained.
func (d *DB) ScanBytes(b []byte) ([]Match, Verdict, error) {
	defer runtime.KeepAlive(d)
	var out [1]Result
	err := d.h.scanWith(d.prof, func(db *C.screener_db, g *C.scrgo_scratch) C.int {
		return C.scrgo_scan(db, g, bytesPtr(b), C.size_t(len(b)))
	}, func(g *C.scrgo_scratch) { d.h.build(g, out[:], nil, b) })
	return out[0].Matches, out[0].Verdict, err
}

// scanWith holds the steps every scan entry point shares: a scratch set to
// profile p, the C call (call: the DB's or the handle's, given the database
// the scratch was taken for), the conversion of its results (conv, which
// runs only on success) and the scratch's return.
func (h *handle) scanWith(p *profile, call func(*C.screener_db, *C.scrgo_scratch) C.int,
	conv func(*C.scrgo_scratch)) error {
	db, g, err := h.acquireScratch(p)
	if err != nil {
		return err
	}
	if rc := call(db, g); rc != 0 {
		h.releaseScratch(g)
		return statusError(rc)
	}
	conv(g)
	h.releaseScratch(g)
	return nil
}

// scanBatchWith is scanWith for a batch: the messages laid out back to back,
// one C call (call gets the buffer, the n+1 offsets and n), one result per
// message converted by conv.
func (h *handle) scanBatchWith(p *profile, msgs []string,
	call func(*C.screener_db, *C.scrgo_scratch, *C.char, *C.size_t, C.size_t) C.int,
	conv func(*C.scrgo_scratch, []Result)) ([]Result, error) {
	if len(msgs) == 0 {
		if _, err := h.acquire(); err != nil {
			return nil, err
		}
		h.release()
		return []Result{}, nil
	}
	bb, data, offs := layOut(msgs)
	defer putBatchBuf(bb)
	out := make([]Result, len(msgs))
	err := h.scanWith(p, func(db *C.screener_db, g *C.scrgo_scratch) C.int {
		return call(db, g, bytesPtr(data), &offs[0], C.size_t(len(msgs)))
	}, func(g *C.scrgo_scratch) { conv(g, out) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MaskOptions configure MaskWith. The zero value masks the matches whose
// action is Mask or Block with '*'.
type MaskOptions struct {
	// All masks every counted (not suppressed) match, Review ones too.
	All bool
	// Char is the replacement character; 0 means '*'.
	Char rune
}

// Mask returns text with the matches whose action is Mask or Block
// replaced by one '*' per original character (not per byte): "ＦＵＣＫ"
// becomes "****". Characters the fold dropped inside a span (spaces,
// zero-width characters) and invalid UTF-8 inside a span are masked too;
// everything else is copied unchanged. Safe for concurrent use.
func (d *DB) Mask(text string) (string, error) {
	return d.MaskWith(text, MaskOptions{})
}

// MaskWith is Mask with options.
func (d *DB) MaskWith(text string, opts MaskOptions) (string, error) {
	defer runtime.KeepAlive(d)
	flags, err := opts.cflags()
	if err != nil {
		return "", err
	}
	h := d.h
	db, g, err := h.acquireScratch(d.prof)
	if err != nil {
		return "", err
	}
	var out *C.char
	var n C.size_t
	rc := C.scrgo_mask(db, g, strPtr(text), C.size_t(len(text)), flags, C.uint32_t(opts.Char), &out, &n)
	h.releaseScratch(g)
	return takeMasked(rc, out, n)
}

// cflags checks the options and returns the screener_mask flags.
func (opts MaskOptions) cflags() (C.unsigned, error) {
	if opts.Char < 0 || opts.Char > 0x10FFFF || (opts.Char >= 0xD800 && opts.Char <= 0xDFFF) {
		return 0, &Error{Status: ErrInvalidArgument, Message: "mask character is not a Unicode scalar value"}
	}
	if opts.All {
		return C.SCREENER_MASK_ALL, nil
	}
	return C.SCREENER_MASK_BY_ACTION, nil
}

// takeMasked copies the C library's masked text into a Go string and frees it.
func takeMasked(rc C.int, out *C.char, n C.size_t) (string, error) {
	if rc != 0 {
		return "", statusError(rc)
	}
	defer C.screener_free(unsafe.Pointer(out))
	return string(unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n))), nil
}

type batchBuf struct {
	data []byte
	offs []C.size_t
}

var batchPool = sync.Pool{New: func() any { return new(batchBuf) }}

// layOut lays the messages out back to back in one pointer-free Go buffer
// (from a pool; give it back with putBatchBuf once C has returned), so the
// only Go memory C sees is plain bytes and offsets, for the call's
// duration: no pinning, no Go pointers stored in C memory.
func layOut(msgs []string) (*batchBuf, []byte, []C.size_t) {
	bb := batchPool.Get().(*batchBuf)
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	data := bb.data[:0]
	if cap(data) < total {
		data = make([]byte, 0, total)
	}
	offs := bb.offs[:0]
	if cap(offs) < len(msgs)+1 {
		offs = make([]C.size_t, 0, len(msgs)+1)
	}
	offs = append(offs, 0)
	for _, m := range msgs {
		data = append(data, m...)
		offs = append(offs, C.size_t(len(data)))
	}
	bb.data, bb.offs = data, offs
	return bb, data, offs
}

func putBatchBuf(bb *batchBuf) {
	if cap(bb.data) <= 1<<20 && cap(bb.offs) <= 1<<16 {
		batchPool.Put(bb)
	}
}

// ScanBatch scans many messages with a single call into the C library
// (screener_scan_batch), which is much cheaper per message than Scan for
// short messages. results[i] is the result of msgs[i], exactly as Scan
// would give it. Safe for concurrent use.
func (d *DB) ScanBatch(msgs []string) ([]Result, error) {
	defer runtime.KeepAlive(d)
	return d.h.scanBatchWith(d.prof, msgs,
		func(db *C.screener_db, g *C.scrgo_scratch, data *C.char, offs *C.size_t, n C.size_t) C.int {
			return C.scrgo_scan_batch(db, g, data, offs, n)
		}, func(g *C.scrgo_scratch, out []Result) { d.h.build(g, out, msgs, nil) })
}

// build converts the C results held in g into out (len(out) results):
// pure Go, no cgo call, a constant number of allocations per call (the
// match array, the term bytes, the category names). texts are the
// scanned strings, or b the scanned bytes (then len(out) == 1); with
// neither (a stream) Match.Text stays empty.
func (h *handle) build(g *C.scrgo_scratch, out []Result, texts []string, b []byte) {
	results := unsafe.Slice(g.res, len(out))
	nm := 0
	for i := range results {
		nm += int(results[i].n_matches)
	}
	var all []Match
	var terms []*C.char
	var lens []uint32
	var termBuf []byte
	if nm > 0 {
		all = make([]Match, nm)
		terms = unsafe.Slice(g.terms, nm)
		lens = unsafe.Slice((*uint32)(unsafe.Pointer(g.term_lens)), nm)
		termBuf = make([]byte, int(g.terms_bytes))
	}
	var cats []string
	if nc := int(g.n_categories); nc > 0 {
		cats = make([]string, nc)
	}
	k, off, c := 0, 0, 0
	for i := range results {
		r := &results[i]
		// Verdict.
		v := &out[i].Verdict
		v.Action = Action(r.action)
		v.Severity = int(r.severity)
		v.Truncated = r.truncated != 0
		v.Fingerprint = h.fingerprint
		if n := int(r.n_categories); n > 0 {
			vc := cats[c : c+n : c+n]
			for j, id := range unsafe.Slice(r.categories, n) {
				if int(id) < len(h.categories) {
					vc[j] = h.categories[id]
				}
			}
			v.Categories = vc
			c += n
		}
		// Matches.
		n := int(r.n_matches)
		if n == 0 {
			continue
		}
		ms := all[k : k+n : k+n]
		text, base := "", 0
		if b != nil {
			// One copy of the span covered by the matches.
			lo, hi := len(b), 0
			for _, cm := range unsafe.Slice(r.matches, n) {
				lo = min(lo, int(cm.start))
				hi = max(hi, int(cm.end))
			}
			text, base = string(b[lo:hi]), lo
		} else if texts != nil {
			text = texts[i]
		}
		hasText := b != nil || texts != nil
		for j, cm := range unsafe.Slice(r.matches, n) {
			m := &ms[j]
			m.Start = int(cm.start)
			m.End = int(cm.end)
			tl := int(lens[k+j])
			if tl > 0 {
				copy(termBuf[off:off+tl], unsafe.Slice((*byte)(unsafe.Pointer(terms[k+j])), tl))
				m.Term = unsafe.String(&termBuf[off], tl)
				off += tl
			}
			m.CategoryID = int(cm.category_id)
			if m.CategoryID < len(h.categories) {
				m.Category = h.categories[m.CategoryID]
			}
			m.Severity = int(cm.severity)
			m.Action = Action(cm.action)
			m.Suppressed = cm.flags&C.SCREENER_MATCH_SUPPRESSED != 0
			m.Selected = cm.flags&C.SCREENER_MATCH_SELECTED != 0
			m.EntryID = int(cm.entry_id)
			if hasText {
				m.Text = text[m.Start-base : m.End-base]
			}
		}
		out[i].Matches = ms
		k += n
	}
}
