package screener_test

import (
	"fmt"
	"log"

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
