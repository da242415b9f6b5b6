package screener

/*
#include "shim.h"
*/
import "C"

import "runtime"

// cScanLoop scans msg n times straight from C (no cgo call per scan) and
// returns the elapsed nanoseconds: the baseline the benchmarks compare the
// Go API against. Used only by the package's benchmarks.
func (d *DB) cScanLoop(msg string, n int) (int64, error) {
	defer runtime.KeepAlive(d)
	db, g, err := d.h.acquireScratch(d.prof)
	if err != nil {
		return 0, err
	}
	defer d.h.releaseScratch(g)
	ns := int64(C.scrgo_bench_scan(db, g, strPtr(msg), C.size_t(len(msg)), C.int64_t(n)))
	if ns < 0 {
		return 0, statusError(C.int(ns))
	}
	return ns, nil
}

// cScanBatchLoop runs `rounds` C batch scans of msgs (one
// screener_scan_batch call each, messages laid out as ScanBatch lays them
// out) and returns the elapsed nanoseconds.
func (d *DB) cScanBatchLoop(msgs []string, rounds int) (int64, error) {
	defer runtime.KeepAlive(d)
	var data []byte
	offs := []C.size_t{0}
	for _, m := range msgs {
		data = append(data, m...)
		offs = append(offs, C.size_t(len(data)))
	}
	db, g, err := d.h.acquireScratch(d.prof)
	if err != nil {
		return 0, err
	}
	defer d.h.releaseScratch(g)
	ns := int64(C.scrgo_bench_scan_batch(db, g, bytesPtr(data), &offs[0], C.size_t(len(msgs)), C.int64_t(rounds)))
	if ns < 0 {
		return 0, statusError(C.int(ns))
	}
	return ns, nil
}
