package screener

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeKeys writes a key pair in screener's key file format, made with Go's
// own Ed25519 (so the test also checks that the format is plain RFC 8032).
func writeKeys(t *testing.T, dir, name string) (secret, public string) {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		t.Fatal(err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	secret, public = filepath.Join(dir, name+".sec"), filepath.Join(dir, name+".pub")
	if err := os.WriteFile(secret, []byte("screener-ed25519-secret-key-v1\n"+hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(public, []byte("screener-ed25519-public-key-v1\n"+hex.EncodeToString(pub)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return secret, public
}

func TestSignedLoad(t *testing.T) {
	dir := t.TempDir()
	sec, pub := writeKeys(t, dir, "k")
	_, other := writeKeys(t, dir, "o")
	db, err := Compile(Text("abuse", "fuck\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	signed, plain := filepath.Join(dir, "s.scdb"), filepath.Join(dir, "p.scdb")
	if err := db.SaveSigned(signed, sec); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(plain); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSigned(filepath.Join(dir, "x.scdb"), pub); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "public key file") {
		t.Errorf("signing with a public key: %v", err)
	}
	v, err := LoadVerified(signed, other, pub)
	if err != nil {
		t.Fatal(err)
	}
	if ms, _, err := v.Scan("oh fuck"); err != nil || len(ms) != 1 {
		t.Errorf("verified db scan: %v %v", ms, err)
	}
	v.Close()
	if _, err := LoadVerified(signed, other); !errors.Is(err, ErrDBSignature) {
		t.Errorf("other key: %v", err)
	}
	if _, err := LoadVerified(plain, pub); !errors.Is(err, ErrDBSignature) {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := LoadVerified(signed, sec); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("secret key as trusted key: %v", err)
	}
	if _, err := LoadVerified(signed, filepath.Join(dir, "missing.pub")); !errors.Is(err, ErrIO) ||
		!strings.Contains(err.Error(), "missing.pub") {
		t.Errorf("missing key file: %v", err)
	}
	b, _ := os.ReadFile(signed)
	b[100] ^= 1
	flipped := filepath.Join(dir, "f.scdb")
	if err := os.WriteFile(flipped, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadVerified(flipped, pub); !errors.Is(err, ErrDBSignature) {
		t.Errorf("flipped bit: %v", err)
	}

	db2, _ := Load(plain)
	hh, err := NewHandle(db2)
	if err != nil {
		t.Fatal(err)
	}
	defer hh.Close()
	if err := hh.LoadVerified(plain, pub); !errors.Is(err, ErrDBSignature) {
		t.Errorf("handle, unsigned: %v", err)
	}
	if v, _ := hh.Version(); v != 1 {
		t.Errorf("failed load changed the version: %d", v)
	}
	if err := hh.LoadVerified(signed, pub); err != nil {
		t.Fatal(err)
	}
	if v, _ := hh.Version(); v != 2 {
		t.Errorf("version after verified load: %d", v)
	}
}
