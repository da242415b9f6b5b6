// Package screener is the Go binding of screener, a high-throughput
// content-screening library: it compiles sensitive-word dictionaries into an
// immutable database (Hyperscan plus an ICU-built fold table) and scans
// messages for the dictionary terms, also when they are disguised —
// full-width letters (ＦＵＣＫ), spaces or symbols between characters
// (法 轮 功), traditional characters (法輪功), zero-width characters, case,
// accents, look-alike letters.
//
// # Compiling and scanning
//
//	db, err := screener.Compile(
//		screener.File("dictionaries/porn.txt"),
//		screener.Text("local.txt", "法轮功\tseverity=4\n"),
//	)
//	if err != nil { ... }
//	defer db.Close()
//
//	matches, verdict, err := db.Scan(msg)
//	for _, m := range matches {
//		// msg[m.Start:m.End] == m.Text, the (disguised) occurrence of m.Term
//	}
//	if verdict.Action == screener.Block { ... }
//
// Match offsets are byte offsets into the scanned string or slice. Any
// bytes may be scanned: invalid UTF-8 never joins the characters around it
// into a match, and NUL bytes are ordinary characters.
//
// The dictionary format is one term per line, optionally followed by a TAB
// and attributes (category=NAME severity=N allow word substring), with #
// comments and @category NAME / @severity N directives. A source's default
// category is its name's base name without extension.
//
// Mask and MaskWith return the message with the matched spans replaced, one
// mask character per original character.
//
// CompileWith takes Options to choose the fold families (FoldNone for exact
// matching). Databases can be saved and loaded (Save, Load) or moved as
// bytes (Bytes, FromBytes); damaged input gives an error, never a crash.
//
// # Streams
//
// NewStream opens a Stream, an io.Writer that scans text arriving in
// chunks (a long document, a socket) and finds exactly the matches of one
// Scan of the whole text, also across chunk edges; Take returns the matches
// that became final, Close ends the text. ScanReader does it for an
// io.Reader, cancelled by a context.
//
// # Profiles
//
// WithProfile returns a view of a DB (or Handle) that applies a Profile to
// every call: drop categories, override the policy's actions per category
// and severity, set a minimum severity, cap the matches — per tenant or
// channel, without recompiling. Category and CategoryByName describe a
// category (display names, the database's policy).
//
// # Batches
//
// Each Scan is one cgo call (about 0.2–0.6 µs of overhead on top of the C
// scan). ScanBatch scans many messages in ONE cgo call through the C batch
// API; prefer it for high volumes of short messages.
//
// # Hot reload
//
// A Handle serves a database that can be replaced while scans run
// (Swap, Load, Compile); Verdict.DBVersion and Verdict.Fingerprint say which
// database produced a result. NewHandle and Swap take the given *DB over.
//
// # Concurrency and lifetime
//
// A *DB is safe for concurrent use by any number of goroutines. Each call
// borrows a C scratch (per-thread working memory) from a bounded pool owned
// by the DB, so goroutines never share one. Close frees the database and
// every pooled scratch; it waits for calls already running, and later calls
// return ErrClosed. A cleanup frees an unreachable, unclosed DB, but only as
// a backstop: call Close.
//
// No Go pointer is kept by C: Go memory is passed to C only for the
// duration of a call, and results are copied out of the C scratch in one
// pass (one cgo call per Scan or ScanBatch, never one per match).
//
// # Errors
//
// Failures are *Error values carrying the C status (a Status such as
// ErrDictSyntax), the message and, for dictionaries, the file and line:
//
//	var e *screener.Error
//	if errors.As(err, &e) {
//		fmt.Println(e.File, e.Line, e.Message)
//	}
//	if errors.Is(err, screener.ErrDictSyntax) { ... }
//
// # Building
//
// Import path github.com/screener-dev/screener/bindings/go/screener (a
// module of its own in the screener repository). The package links the C
// library through pkg-config (#cgo pkg-config: screener). Installed in
// /usr (the Debian package) or /usr/local (then run ldconfig once), it
// needs no environment: screener.pc is on pkg-config's default path and the
// loader finds the library. For another prefix P:
//
//	export PKG_CONFIG_PATH=P/lib/pkgconfig
//	export CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir screener)"
//	go build
//
// The go command does not key its build cache on pkg-config's output: after
// upgrading or moving the C library, run go clean -cache.
//
// # License
//
// Apache-2.0, like the C library (LICENSE and NOTICE at the repository
// root; NOTICE lists the data sources built into libscreener).
package screener
