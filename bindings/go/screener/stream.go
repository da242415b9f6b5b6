package screener

/*
#include "shim.h"
*/
import "C"

import (
	"cmp"
	"context"
	"io"
	"runtime"
	"slices"
	"sync"
)

// Stream scans text that arrives in chunks (a long document, a file, a
// socket) and finds the same matches, with the same spans, as one Scan of
// the whole text: also matches that span chunk edges, a chunk ending inside
// a UTF-8 sequence, or separators between the disguised characters of a
// term. Offsets are global: bytes since the start of the stream.
//
// A Stream is an io.Writer (and io.StringWriter): each Write reports the
// matches that became final (no later byte can change them) to the queue
// that Take empties; Close ends the text and queues the rest. Verdict
// summarises every match reported so far. A term disguised by more than
// 1 MiB of separators is not found across chunks.
//
// A Stream may be used by one goroutine at a time (its methods lock, so
// misuse is safe but serialised). It uses its DB's scratch pool and, for a
// view made by DB.WithProfile, that view's profile. Call Close; a cleanup
// frees an unreachable, unclosed Stream as a backstop only.
type Stream struct {
	d       *DB
	mu      sync.Mutex
	ref     *streamRef
	closed  bool
	written int64
	queue   []Match
	verdict Verdict
	catSeen []bool // category ids counted in verdict
}

// streamRef owns the C stream (separate from Stream so that the cleanup
// can reference it).
type streamRef struct{ st *C.screener_stream }

func (r *streamRef) free() {
	if r.st != nil {
		C.screener_stream_free(r.st)
		r.st = nil
	}
}

// maxWrite bounds one C write (the library refuses chunks over 1 GiB).
const maxWrite = 1 << 30

// NewStream opens a stream over d. The stream needs d open: after d (or a
// view of it) is closed, Write and Close return ErrClosed.
func (d *DB) NewStream() (*Stream, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	var st *C.screener_stream
	if rc := C.screener_stream_open(cdb, &st); rc != 0 {
		return nil, statusError(rc)
	}
	s := &Stream{d: d, ref: &streamRef{st: st}}
	s.verdict.Fingerprint = d.h.fingerprint
	runtime.AddCleanup(s, func(r *streamRef) { r.free() }, s.ref)
	return s, nil
}

// Write scans p as the next chunk of the text and queues the matches that
// became final (see Take). It implements io.Writer: n is len(p) unless an
// error stops it. A failed write (ErrNoMem, ...) leaves the stream as it
// was, so p may be written again — except after a failure inside a write
// of more than 128 KiB, after which every Write and Close return that
// error. p is not retained.
func (s *Stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for {
		c := min(len(p)-n, maxWrite)
		if err := s.call(p[n:n+c], false); err != nil {
			return n, err
		}
		n += c
		if n == len(p) {
			return n, nil
		}
	}
}

// WriteString is Write for a string (io.StringWriter), without a copy.
func (s *Stream) WriteString(str string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for {
		c := min(len(str)-n, maxWrite)
		chunk := str[n : n+c]
		var b []byte
		if c > 0 {
			b = unsafeBytes(chunk)
		}
		if err := s.call(b, false); err != nil {
			return n, err
		}
		n += c
		if n == len(str) {
			return n, nil
		}
	}
}

// Close ends the text: the matches still held back are queued (see Take)
// and the stream's C memory is freed. Closing twice is a no-op. If the
// close itself fails (ErrNoMem), the stream stays open and Close may be
// called again; if its DB is closed, Close frees the stream and returns
// ErrClosed.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	err := s.call(nil, true)
	if err == nil || err == ErrClosed {
		s.closed = true
		s.ref.free()
	}
	return err
}

// abort frees the stream without scanning what it holds back.
func (s *Stream) abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.ref.free()
}

// call runs one C write (or the close) and queues its matches.
func (s *Stream) call(p []byte, final bool) error {
	defer runtime.KeepAlive(s)
	if s.closed {
		return ErrClosed
	}
	d := s.d
	h := d.h
	db, g, err := h.acquireScratch(d.prof)
	if err != nil {
		return err
	}
	var rc C.int
	if final {
		rc = C.scrgo_stream_close(db, g, s.ref.st)
	} else {
		rc = C.scrgo_stream_write(db, g, s.ref.st, bytesPtr(p), C.size_t(len(p)))
	}
	if rc != 0 {
		h.releaseScratch(g)
		return statusError(rc)
	}
	var out [1]Result
	h.build(g, out[:], nil, nil)
	h.releaseScratch(g)
	s.written += int64(len(p))
	s.queue = append(s.queue, out[0].Matches...)
	s.count(out[0].Verdict, out[0].Matches)
	return nil
}

// count adds one call's verdict to the stream's.
func (s *Stream) count(v Verdict, ms []Match) {
	if v.Action > s.verdict.Action {
		s.verdict.Action = v.Action
	}
	s.verdict.Severity = max(s.verdict.Severity, v.Severity)
	s.verdict.Truncated = s.verdict.Truncated || v.Truncated
	if len(v.Categories) == 0 {
		return
	}
	if s.catSeen == nil {
		s.catSeen = make([]bool, len(s.d.h.categories))
	}
	added := false
	for _, m := range ms {
		if !m.Suppressed && m.CategoryID < len(s.catSeen) && !s.catSeen[m.CategoryID] {
			s.catSeen[m.CategoryID] = true
			added = true
		}
	}
	if added {
		s.verdict.Categories = s.verdict.Categories[:0:0]
		for id, seen := range s.catSeen {
			if seen {
				s.verdict.Categories = append(s.verdict.Categories, s.d.h.categories[id])
			}
		}
	}
}

// Take returns the matches queued since the last Take and empties the
// queue. Within one Write they are sorted by (Start, End, EntryID); a match
// held back by an earlier Write may start before matches reported with it.
// Match.Text is empty (the stream keeps no text); Start and End are offsets
// since the start of the stream.
func (s *Stream) Take() []Match {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// Verdict summarises every match reported so far (taken or not): the
// strongest action, the highest severity, the categories (by category id)
// and whether any call was truncated.
func (s *Stream) Verdict() Verdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.verdict
	v.Categories = slices.Clone(v.Categories)
	return v
}

// Written is the number of bytes written so far (the offset of the next
// byte).
func (s *Stream) Written() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.written
}

// ScanReader scans everything r yields through a Stream, reading 64 KiB at
// a time, and returns the matches sorted by (Start, End, EntryID) — the
// same matches and verdict Scan gives for the whole text, without holding
// the text in memory (Match.Text is empty). It stops with ctx.Err() when
// ctx is done (checked between reads) and with r's first error other than
// io.EOF.
func (d *DB) ScanReader(ctx context.Context, r io.Reader) ([]Match, Verdict, error) {
	s, err := d.NewStream()
	if err != nil {
		return nil, Verdict{}, err
	}
	defer s.abort()
	buf := make([]byte, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, Verdict{}, err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, err := s.Write(buf[:n]); err != nil {
				return nil, Verdict{}, err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, Verdict{}, rerr
		}
	}
	if err := s.Close(); err != nil {
		return nil, Verdict{}, err
	}
	ms := s.Take()
	sortMatches(ms)
	return ms, s.Verdict(), nil
}

// sortMatches sorts by (Start, End, EntryID), the order of Scan.
func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.EntryID, b.EntryID))
	})
}
