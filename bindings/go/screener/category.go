package screener

/*
#include <stdlib.h>
#include <screener.h>
*/
import "C"

import (
	"runtime"
	"strings"
	"unsafe"
)

// CategoryInfo describes a category of a database: its identifier, its
// display names and its policy.
type CategoryInfo struct {
	ID     int    // category id: index of DB.Categories, Match.CategoryID
	Name   string // stable identifier ("porn", or a dictionary's own category)
	NameZH string // Chinese display name (built-in, @name-zh, or Name)
	NameEN string // English display name (built-in, @name-en, or Name)
	// Actions[s-1] is the action the database's policy recommends for
	// severity s: the default (1 review, 2 mask, 3 and 4 block) unless a
	// dictionary set it with @action. Profiles override it per call.
	Actions [4]Action
}

// Category returns category id's information (0 .. len(Categories())-1).
// It is read when the database is opened, so it is available after Close.
// An unknown id is an *Error with ErrInvalidArgument.
func (d *DB) Category(id int) (CategoryInfo, error) {
	if id < 0 || id >= len(d.h.catInfo) {
		return CategoryInfo{}, &Error{Status: ErrInvalidArgument, Message: "unknown category id"}
	}
	return d.h.catInfo[id], nil
}

// CategoryByName finds a category by identifier (exact, as
// screener_db_find_category). A name the database does not have is an
// *Error with ErrInvalidArgument naming it.
func (d *DB) CategoryByName(name string) (CategoryInfo, error) {
	defer runtime.KeepAlive(d)
	cdb, err := d.h.acquire()
	if err != nil {
		return CategoryInfo{}, err
	}
	defer d.h.release()
	notFound := &Error{Status: ErrInvalidArgument, Message: "no category " + name}
	if strings.IndexByte(name, 0) >= 0 {
		return CategoryInfo{}, notFound
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var id C.uint32_t
	if C.screener_db_find_category(cdb, cs, &id) != 0 || int(id) >= len(d.h.catInfo) {
		return CategoryInfo{}, notFound
	}
	return d.h.catInfo[id], nil
}
