package screener

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// summary is "term:action ..." plus the verdict, for compact expectations.
func summary(ms []Match, v Verdict) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s:%s ", m.Term, m.Action)
	}
	fmt.Fprintf(&b, "| %s %d %v %v", v.Action, v.Severity, v.Categories, v.Truncated)
	return b.String()
}

const profileMsg = "ＦＵＣＫ 法轮功 shit"

func TestProfilesChangeVerdicts(t *testing.T) {
	db := compileTest(t) // abuse: fuck 3, shit 2; politics: 法轮功 4
	cases := []struct {
		name string
		p    Profile
		want string
	}{
		{"defaults", Profile{},
			"fuck:block 法轮功:block shit:mask | block 4 [abuse politics] false"},
		{"drop a category", Profile{Rules: []Rule{{Category: "abuse", Action: Drop}}},
			"法轮功:block | block 4 [politics] false"},
		{"override one category and severity",
			Profile{Rules: []Rule{{Category: "abuse", Action: Drop}, {Category: "politics", Severity: 4, Action: Review}}},
			"法轮功:review | review 4 [politics] false"},
		{"every category, one severity", Profile{Rules: []Rule{{Severity: 2, Action: Pass}}},
			"fuck:block 法轮功:block shit:pass | block 4 [abuse politics] false"},
		{"a later rule overrides an earlier one",
			Profile{Rules: []Rule{{Action: Review}, {Category: "politics", Action: Block}}},
			"fuck:review 法轮功:block shit:review | block 4 [abuse politics] false"},
		{"minimum severity", Profile{MinSeverity: 3},
			"fuck:block 法轮功:block | block 4 [abuse politics] false"},
		{"match cap", Profile{MaxMatches: 1},
			"fuck:block | block 3 [abuse] true"},
		{"unknown category names are ignored",
			Profile{Rules: []Rule{{Category: "no-such-category", Action: Drop}}},
			"fuck:block 法轮功:block shit:mask | block 4 [abuse politics] false"},
	}
	for _, c := range cases {
		v, err := db.WithProfile(c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ms, verdict, err := v.Scan(profileMsg)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(ms, verdict); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		// Batch, bytes and streams apply the profile the same way.
		rs, err := v.ScanBatch([]string{"clean", profileMsg})
		if err != nil || summary(rs[1].Matches, rs[1].Verdict) != c.want {
			t.Errorf("%s: ScanBatch = %+v, %v", c.name, rs, err)
		}
		if bms, bv, _ := v.ScanBytes([]byte(profileMsg)); summary(bms, bv) != c.want {
			t.Errorf("%s: ScanBytes = %s", c.name, summary(bms, bv))
		}
		if c.p.MaxMatches == 0 {
			s, _ := v.NewStream()
			s.WriteString(profileMsg[:10])
			s.WriteString(profileMsg[10:])
			s.Close()
			if got := summary(comparable(s.Take()), s.Verdict()); got != c.want {
				t.Errorf("%s: stream = %s", c.name, got)
			}
		}
		if !reflect.DeepEqual(v.Profile(), c.p) && !(len(c.p.Rules) == 0 && len(v.Profile().Rules) == 0) {
			t.Errorf("%s: Profile() = %+v", c.name, v.Profile())
		}
		// The DB itself keeps its defaults (the scratch the view used went
		// back to the shared pool).
		ms, verdict, _ = db.Scan(profileMsg)
		if got := summary(ms, verdict); got != cases[0].want {
			t.Errorf("%s: the DB after a view's scan: %s", c.name, got)
		}
	}
}

func TestProfileMask(t *testing.T) {
	db := compileTest(t)
	v, err := db.WithProfile(Profile{Rules: []Rule{{Category: "abuse", Action: Drop}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.Mask(profileMsg); err != nil || got != "ＦＵＣＫ *** shit" {
		t.Errorf("Mask through a profile = %q, %v", got, err)
	}
	if got, _ := db.Mask(profileMsg); got != "**** *** ****" {
		t.Errorf("Mask without a profile = %q", got)
	}
}

func TestInvalidProfiles(t *testing.T) {
	db := compileTest(t)
	for _, p := range []Profile{
		{MinSeverity: 5},
		{MinSeverity: -1},
		{MaxMatches: -1},
		{Rules: []Rule{{Severity: 5, Action: Block}}},
		{Rules: []Rule{{Action: Action(7)}}},
		{Rules: []Rule{{Action: Action(-2)}}},
		{Rules: []Rule{{Category: "a\x00b", Action: Block}}},
	} {
		if _, err := db.WithProfile(p); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("WithProfile(%+v) = %v, want ErrInvalidArgument", p, err)
		}
	}
	if Drop.String() != "drop" {
		t.Errorf("Drop.String() = %q", Drop.String())
	}
}

// Goroutines scanning through different profiles of one DB share its
// scratch pool: every result must follow its own profile (run with -race).
func TestProfilesConcurrent(t *testing.T) {
	db := compileTest(t)
	profiles := []Profile{
		{},
		{Rules: []Rule{{Category: "abuse", Action: Drop}}},
		{MinSeverity: 3},
		{Rules: []Rule{{Action: Review}}},
	}
	views := make([]*DB, len(profiles))
	want := make([]string, len(profiles))
	for i, p := range profiles {
		v, err := db.WithProfile(p)
		if err != nil {
			t.Fatal(err)
		}
		views[i] = v
		ms, verdict, _ := v.Scan(profileMsg)
		want[i] = summary(ms, verdict)
	}
	if want[0] == want[1] || want[1] == want[2] || want[2] == want[3] {
		t.Fatalf("profiles do not differ: %q", want)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 32)
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range 200 {
				k := (w + it) % len(views)
				var got string
				if it%2 == 0 {
					ms, v, err := views[k].Scan(profileMsg)
					if err != nil {
						errc <- err
						return
					}
					got = summary(ms, v)
				} else {
					rs, err := views[k].ScanBatch([]string{profileMsg})
					if err != nil {
						errc <- err
						return
					}
					got = summary(rs[0].Matches, rs[0].Verdict)
				}
				if got != want[k] {
					errc <- fmt.Errorf("profile %d: %s, want %s", k, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

func TestHandleProfile(t *testing.T) {
	db, err := Compile(Text("abuse", "fuck\tseverity=3\n"))
	if err != nil {
		t.Fatal(err)
	}
	hh, err := NewHandle(db)
	if err != nil {
		t.Fatal(err)
	}
	defer hh.Close()
	v, err := hh.WithProfile(Profile{Rules: []Rule{{Category: "abuse", Action: Review}}})
	if err != nil {
		t.Fatal(err)
	}
	if ms, verdict, _ := v.Scan("ＦＵＣＫ"); summary(ms, verdict) != "fuck:review | review 3 [abuse] false" {
		t.Errorf("handle view: %s", summary(ms, verdict))
	}
	// The view follows a reload, and the rules are resolved for the new database.
	if err := hh.Compile(Text("x", "@category abuse\nshit\tseverity=2\n@category porn\n口交\tseverity=3\n")); err != nil {
		t.Fatal(err)
	}
	ms, verdict, _ := v.Scan("shit 口交")
	if got := summary(ms, verdict); got != "shit:review 口交:block | block 3 [abuse porn] false" {
		t.Errorf("handle view after reload: %s", got)
	}
	if verdict.DBVersion != 2 {
		t.Errorf("DBVersion = %d", verdict.DBVersion)
	}
	if ms, verdict, _ := hh.Scan("shit"); summary(ms, verdict) != "shit:mask | mask 2 [abuse] false" {
		t.Errorf("handle without profile: %s", summary(ms, verdict))
	}
	if got, _ := v.MaskWith("shit 口交", MaskOptions{}); got != "shit **" {
		t.Errorf("handle view MaskWith = %q", got)
	}
	// Closing a view closes the handle for everyone.
	v.Close()
	if _, _, err := hh.Scan("x"); !errors.Is(err, ErrClosed) {
		t.Errorf("handle after its view's Close: %v", err)
	}
}
