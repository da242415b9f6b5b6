package screener

/*
#include <string.h>
#include <screener.h>
*/
import "C"

import (
	"errors"
	"strings"
	"sync"
	"syscall"
)

// Status is a screener status code (the C library's SCREENER_E_* values).
// A Status is itself an error, so errors.Is(err, ErrDictSyntax) works on
// any error returned by this package.
type Status int

// Status codes. Values match the C API and never change meaning.
const (
	ErrInvalidArgument Status = -1  // SCREENER_E_INVALID_ARGUMENT
	ErrNoMem           Status = -2  // SCREENER_E_NOMEM
	ErrIO              Status = -3  // SCREENER_E_IO
	ErrDictSyntax      Status = -4  // SCREENER_E_DICT_SYNTAX
	ErrDictTerm        Status = -5  // SCREENER_E_DICT_TERM
	ErrDictConflict    Status = -6  // SCREENER_E_DICT_CONFLICT
	ErrDictEmpty       Status = -7  // SCREENER_E_DICT_EMPTY
	ErrUnsupported     Status = -8  // SCREENER_E_UNSUPPORTED
	ErrHyperscan       Status = -9  // SCREENER_E_HYPERSCAN
	ErrICU             Status = -10 // SCREENER_E_ICU
	ErrDBFormat        Status = -11 // SCREENER_E_DB_FORMAT
	ErrDBChecksum      Status = -12 // SCREENER_E_DB_CHECKSUM
	ErrDBVersion       Status = -13 // SCREENER_E_DB_VERSION
	ErrDBPlatform      Status = -14 // SCREENER_E_DB_PLATFORM
	ErrScratchInUse    Status = -15 // SCREENER_E_SCRATCH_IN_USE
	ErrTooLarge        Status = -16 // SCREENER_E_TOO_LARGE
	ErrLimit           Status = -17 // SCREENER_E_LIMIT
	ErrDBSignature     Status = -18 // SCREENER_E_DB_SIGNATURE
)

// String returns the C library's name of the status (screener_strerror).
func (s Status) String() string {
	return C.GoString(C.screener_strerror(C.int(s)))
}

// Error implements error.
func (s Status) Error() string { return "screener: " + s.String() }

// Error is the diagnostic of a failed call: the C status plus, for
// dictionary and database problems, the file and line involved.
// Use errors.As to get at it and errors.Is(err, ErrDictSyntax) (or any
// other Status) to test the code. An ErrIO caused by a system error also
// wraps that error (Errno), so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, fs.ErrPermission) work as they do for os.Open.
type Error struct {
	Status  Status // the SCREENER_E_* code
	Message string // full message, "FILE:LINE: what went wrong: `text`" when known
	File    string // dictionary/database file or source name, "" if none
	Line    int    // 1-based line in File, 0 if not applicable
	// Errno is the system error an ErrIO names ("cannot open: No such
	// file or directory" gives syscall.ENOENT), 0 if none.
	Errno syscall.Errno
}

// Error returns "screener: " and the message (the file and line are in it
// when known).
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Status.Error()
	}
	return "screener: " + e.Message
}

// Unwrap returns the Status and, when set, the Errno: errors.Is(err,
// ErrDictSyntax) is true for an *Error with that status, errors.Is(err,
// fs.ErrNotExist) for an ErrIO caused by ENOENT.
func (e *Error) Unwrap() []error {
	if e.Errno != 0 {
		return []error{e.Status, e.Errno}
	}
	return []error{e.Status}
}

// ErrClosed is returned by every method of a DB or Handle after Close, and
// by a Stream's Write after its Close (or its DB's).
var ErrClosed = errors.New("screener: closed")

// errnoTexts maps the C library's strerror text to its errno (the library
// writes these texts with the same libc, so the match is exact).
var errnoTexts = sync.OnceValue(func() map[string]syscall.Errno {
	m := make(map[string]syscall.Errno)
	for i := 1; i < 256; i++ {
		t := C.GoString(C.strerror(C.int(i)))
		if _, dup := m[t]; !dup && !strings.HasPrefix(t, "Unknown error") {
			m[t] = syscall.Errno(i)
		}
	}
	return m
})

// errnoIn returns the errno whose strerror text ends msg ("cannot open:
// No such file or directory"), or 0.
func errnoIn(msg string) syscall.Errno {
	i := strings.LastIndex(msg, ": ")
	if i < 0 {
		return 0
	}
	return errnoTexts()[msg[i+2:]]
}
