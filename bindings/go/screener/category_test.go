package screener

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

const categoryDict = `@category secret
@name-zh 机密
@name-en Secret projects
@action * review
@action 4 block
xyzzy	severity=4
plugh	severity=1
@category abuse
fuck	severity=3
@category privacy
@detect cn_mobile
qq:?[1-9][0-9]{4,10}	regex
`

func TestCategoryInfo(t *testing.T) {
	db, err := Compile(Text("cats.txt", categoryDict))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	secret, err := db.CategoryByName("secret")
	if err != nil {
		t.Fatal(err)
	}
	if secret.Name != "secret" || secret.NameZH != "机密" || secret.NameEN != "Secret projects" ||
		secret.Actions != [4]Action{Review, Review, Review, Block} {
		t.Errorf("secret = %+v", secret)
	}
	// A built-in category: the library's display names, the default policy.
	abuse, err := db.CategoryByName("abuse")
	if err != nil {
		t.Fatal(err)
	}
	if abuse.NameZH != "辱骂" || abuse.NameEN == "abuse" || abuse.NameEN == "" ||
		abuse.Actions != [4]Action{Review, Mask, Block, Block} {
		t.Errorf("abuse = %+v", abuse)
	}
	cats := db.Categories()
	for id, name := range cats {
		c, err := db.Category(id)
		if err != nil || c.ID != id || c.Name != name {
			t.Errorf("Category(%d) = %+v, %v; Categories()[%d] = %q", id, c, err, id, name)
		}
	}
	if _, err := db.Category(len(cats)); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Category(unknown id) = %v", err)
	}
	if _, err := db.CategoryByName("nope"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("CategoryByName(unknown) = %v", err)
	}

	// Matches carry their category id; the policy gives their action.
	ms, _, err := db.Scan("xyzzy plugh ＦＵＣＫ 13800138000 qq12345678")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 5 {
		t.Fatalf("matches = %+v", ms)
	}
	for _, m := range ms {
		c, _ := db.Category(m.CategoryID)
		if c.Name != m.Category || m.Action != c.Actions[m.Severity-1] {
			t.Errorf("match %+v, its category %+v", m, c)
		}
		e, err := db.Entry(m.EntryID)
		if err != nil || e.CategoryID != m.CategoryID || e.Category != m.Category {
			t.Errorf("Entry(%d) = %+v, %v", m.EntryID, e, err)
		}
		switch m.Term {
		case "cn_mobile":
			if !e.Detector || e.Regex {
				t.Errorf("detector entry %+v", e)
			}
		case "qq:?[1-9][0-9]{4,10}":
			if !e.Regex || e.Detector {
				t.Errorf("regex entry %+v", e)
			}
		default:
			if e.Regex || e.Detector {
				t.Errorf("literal entry %+v", e)
			}
		}
	}

	// Category info is read at open: still there after Close.
	db.Close()
	if c, err := db.Category(secret.ID); err != nil || c != secret {
		t.Errorf("Category after Close = %+v, %v", c, err)
	}
	if _, err := db.CategoryByName("secret"); !errors.Is(err, ErrClosed) {
		t.Errorf("CategoryByName after Close = %v", err)
	}
}

func TestSelectedMatches(t *testing.T) {
	db, err := Compile(Text("t", "我的\tseverity=1\n我的世界\tseverity=2\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, _, _ := db.Scan("玩我的世界")
	if len(ms) != 2 {
		t.Fatalf("matches = %+v", ms)
	}
	for _, m := range ms {
		if m.Selected != (m.Term == "我的世界") {
			t.Errorf("Selected on %+v", m)
		}
	}
}

// An I/O error names the system error: errors.Is works with io/fs's
// errors as for os.Open.
func TestErrorsWrapSystemErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.scdb")
	_, err := Load(missing)
	_, oserr := os.Open(missing)
	var e *Error
	if !errors.As(err, &e) || e.Status != ErrIO || e.Errno != syscall.ENOENT || e.File != missing {
		t.Fatalf("Load(missing) = %#v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrIO) || !errors.Is(oserr, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) is false", err)
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) || errno != syscall.ENOENT {
		t.Errorf("errors.As(Errno) = %v", errno)
	}
	if _, err := Compile(File(missing)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Compile(File(missing)) = %v", err)
	}
	// A directory is not a dictionary: EISDIR (or another system error), not ENOENT.
	_, err = Compile(File(dir))
	if !errors.Is(err, ErrIO) || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Compile(File(dir)) = %v", err)
	}
	// Errors that are not system errors wrap no Errno.
	_, err = Compile(Text("bad", "x\tseverity=9\n"))
	if !errors.As(err, &e) || e.Errno != 0 || errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrDictSyntax) {
		t.Errorf("syntax error = %#v", err)
	}
	if _, err := FromBytes([]byte("not a database")); errors.As(err, &e) && e.Errno != 0 {
		t.Errorf("format error with an Errno: %#v", err)
	}
}
