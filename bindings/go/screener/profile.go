package screener

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Drop is a Rule action that removes the matches the rule applies to from
// the result entirely (SCREENER_PROFILE_DROP): they are neither reported
// nor counted in the Verdict.
const Drop Action = C.SCREENER_PROFILE_DROP

// Rule is one rule of a Profile: which matches it applies to and what to
// recommend for them instead of the database's policy.
type Rule struct {
	// Category is a category identifier ("ads_spam"); "" means every
	// category. A name the database does not have matches nothing.
	Category string
	// Severity is 1..4; 0 means every severity.
	Severity int
	// Action is Pass, Review, Mask or Block, or Drop to remove the matches.
	Action Action
}

// Profile is a per-call policy (per tenant, per channel, ...): disable
// categories, override the actions of the database's policy, set a minimum
// severity, cap the matches reported — without recompiling. Rules apply in
// order; a later rule overrides an earlier one. Categories are named, so one
// Profile works with every database. The zero Profile is the defaults.
// Use it through DB.WithProfile or Handle.WithProfile.
type Profile struct {
	// MinSeverity hides matches below it (0 or 1: all), also from the Verdict.
	MinSeverity int
	// Rules, applied in order.
	Rules []Rule
	// MaxMatches caps the matches reported per message (Verdict.Truncated
	// says when more were found); 0 means the library's 100,000.
	MaxMatches int
}

// profile is a Profile converted to C memory once (screener_profile, its
// rules and their category strings), so that setting it on a scratch is
// one cgo call without Go pointers. id identifies it in the scratches'
// cache (scrgo_scratch.profile_id; 0 is the defaults).
type profile struct {
	id   uint64
	spec Profile
	c    *C.screener_profile
	mem  []unsafe.Pointer
}

var profileIDs atomic.Uint64

// newProfile checks p the way screener_scratch_set_profile does (and the
// minimum severity and cap, which it would not) and converts it.
func newProfile(p Profile) (*profile, error) {
	bad := func(msg string) error { return &Error{Status: ErrInvalidArgument, Message: "profile: " + msg} }
	if p.MinSeverity < 0 || p.MinSeverity > 4 {
		return nil, bad("MinSeverity must be 0..4")
	}
	if p.MaxMatches < 0 {
		return nil, bad("MaxMatches must not be negative")
	}
	for _, r := range p.Rules {
		if r.Severity < 0 || r.Severity > 4 {
			return nil, bad("rule severity must be 0..4")
		}
		if r.Action != Drop && (r.Action < Pass || r.Action > Block) {
			return nil, bad("rule action must be Pass, Review, Mask, Block or Drop")
		}
		if strings.IndexByte(r.Category, 0) >= 0 {
			return nil, bad("NUL byte in a rule's category")
		}
	}
	pr := &profile{id: profileIDs.Add(1)}
	pr.spec = p
	pr.spec.Rules = append([]Rule(nil), p.Rules...)
	alloc := func(n uintptr) unsafe.Pointer {
		m := C.calloc(1, C.size_t(n))
		if m == nil {
			panic("screener: out of memory")
		}
		pr.mem = append(pr.mem, m)
		return m
	}
	pr.c = (*C.screener_profile)(alloc(unsafe.Sizeof(C.screener_profile{})))
	pr.c.struct_size = C.size_t(unsafe.Sizeof(C.screener_profile{}))
	pr.c.min_severity = C.unsigned(p.MinSeverity)
	pr.c.max_matches = C.size_t(p.MaxMatches)
	if n := len(p.Rules); n > 0 {
		rules := unsafe.Slice((*C.screener_profile_rule)(alloc(uintptr(n)*unsafe.Sizeof(C.screener_profile_rule{}))), n)
		for i, r := range p.Rules {
			if r.Category != "" {
				cs := C.CString(r.Category)
				pr.mem = append(pr.mem, unsafe.Pointer(cs))
				rules[i].category = cs
			}
			rules[i].severity = C.unsigned(r.Severity)
			rules[i].action = C.int(r.Action)
		}
		pr.c.rules = &rules[0]
		pr.c.n_rules = C.size_t(n)
	}
	return pr, nil
}

func (p *profile) free() {
	for _, m := range p.mem {
		C.free(m)
	}
	p.mem = nil
}

// setOn makes g apply p (nil: the defaults) unless it already does.
func (p *profile) setOn(g *C.scrgo_scratch) error {
	var id uint64
	var c *C.screener_profile
	if p != nil {
		id, c = p.id, p.c
	}
	if uint64(g.profile_id) == id {
		return nil
	}
	if rc := C.scrgo_set_profile(g, c, C.uint64_t(id)); rc != 0 {
		return statusError(rc)
	}
	return nil
}

// WithProfile returns a view of d whose scans, batches, masks and streams
// apply p instead of the defaults. The view shares d's database and
// scratch pool (no copy, no recompile; creating a view costs one small C
// allocation): keep one view per tenant or channel and use it from any
// number of goroutines. The view's Close closes the database for d and
// every other view too. p is copied. An invalid p (a severity outside
// 0..4, an unknown action) is an *Error with ErrInvalidArgument.
func (d *DB) WithProfile(p Profile) (*DB, error) {
	pr, err := newProfile(p)
	if err != nil {
		return nil, err
	}
	root := d
	if d.root != nil {
		root = d.root
	}
	v := &DB{h: d.h, prof: pr, root: root}
	runtime.AddCleanup(v, func(p *profile) { p.free() }, pr)
	return v, nil
}

// Profile returns the profile of a view made by WithProfile (a copy), or
// the zero Profile (the defaults).
func (d *DB) Profile() Profile { return d.prof.profileSpec() }

// WithProfile returns a view of hh applying p; see DB.WithProfile. The view
// follows reloads of hh.
func (hh *Handle) WithProfile(p Profile) (*Handle, error) {
	pr, err := newProfile(p)
	if err != nil {
		return nil, err
	}
	root := hh
	if hh.root != nil {
		root = hh.root
	}
	v := &Handle{h: hh.h, prof: pr, root: root}
	runtime.AddCleanup(v, func(p *profile) { p.free() }, pr)
	return v, nil
}

// Profile returns the profile of a view made by WithProfile (a copy), or
// the zero Profile.
func (hh *Handle) Profile() Profile { return hh.prof.profileSpec() }

func (p *profile) profileSpec() Profile {
	if p == nil {
		return Profile{}
	}
	s := p.spec
	s.Rules = append([]Rule(nil), p.spec.Rules...)
	return s
}
