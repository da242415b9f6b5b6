package screener_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"strings"

	"github.com/screener-dev/screener/bindings/go/screener"
)

func Example() {
	db, err := screener.Compile(
		screener.Text("abuse.txt", "fuck\nshit\tseverity=2\n"),
		screener.Text("politics.txt", "法轮功\tseverity=4\n"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	msg := "ＦＵＣＫ! 他们说法 輪 功"
	matches, verdict, err := db.Scan(msg)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		fmt.Printf("%d..%d %q -> %s (%s, severity %d)\n", m.Start, m.End, m.Text, m.Term, m.Category, m.Severity)
	}
	fmt.Println(verdict.Action, verdict.Severity, verdict.Categories)
	// Output:
	// 0..12 "ＦＵＣＫ" -> fuck (abuse, severity 2)
	// 23..34 "法 輪 功" -> 法轮功 (politics, severity 4)
	// block 4 [abuse politics]
}

// A profile changes what one call reports and recommends, without
// recompiling: here a channel where insults only go to review and
// advertising is not screened at all.
func ExampleDB_WithProfile() {
	db, err := screener.Compile(
		screener.Text("abuse", "fuck\tseverity=3\n"),
		screener.Text("ads_spam", "加我微信\tseverity=2\n"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	lenient, err := db.WithProfile(screener.Profile{Rules: []screener.Rule{
		{Category: "abuse", Action: screener.Review},
		{Category: "ads_spam", Action: screener.Drop},
	}})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range []*screener.DB{db, lenient} {
		matches, verdict, _ := d.Scan("ＦＵＣＫ 加我微 信")
		fmt.Println(len(matches), "matches:", verdict.Action, verdict.Categories)
	}
	// Output:
	// 2 matches: block [abuse ads_spam]
	// 1 matches: review [abuse]
}

// A Stream is an io.Writer: terms split across writes are found, with
// offsets counted from the start of the stream.
func ExampleStream() {
	db, err := screener.Compile(screener.Text("politics", "法轮功\tseverity=4\n"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	s, err := db.NewStream()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprint(s, "他们说法 ")
	fmt.Fprint(s, "輪 功")
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	for _, m := range s.Take() {
		fmt.Println(m.Start, m.End, m.Term)
	}
	fmt.Println(s.Verdict().Action)
	// Output:
	// 9 20 法轮功
	// block
}

func ExampleDB_ScanReader() {
	db, err := screener.Compile(screener.Text("abuse", "fuck\n"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	doc := strings.Repeat("a long document ", 10000) + "f u c k"
	matches, verdict, err := db.ScanReader(context.Background(), strings.NewReader(doc))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(matches), matches[0].Start == len(doc)-len("f u c k"), verdict.Action)
	// Output:
	// 1 true mask
}

func ExampleDB_Category() {
	db, err := screener.Compile(screener.Text("d.txt",
		"@category porn\n口交\tseverity=3\n@category secret\n@name-en Secret projects\n@action * review\nxyzzy\n"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	for id := range db.Categories() {
		c, _ := db.Category(id)
		fmt.Printf("%s %q %q %v\n", c.Name, c.NameZH, c.NameEN, c.Actions)
	}
	// Output:
	// porn "色情" "Pornography" [review mask block block]
	// secret "secret" "Secret projects" [review review review review]
}

// Errors carry the C status and, for I/O, the system error.
func ExampleError() {
	_, err := screener.Compile(screener.Text("words.txt", "ok\nbad\tseverity=9\n"))
	var e *screener.Error
	if errors.As(err, &e) {
		fmt.Println(e.File, e.Line, errors.Is(err, screener.ErrDictSyntax))
	}
	_, err = screener.Load("/nonexistent/words.scdb")
	fmt.Println(errors.Is(err, screener.ErrIO), errors.Is(err, fs.ErrNotExist))
	// Output:
	// words.txt 2 true
	// true true
}
