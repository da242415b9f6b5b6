#!/bin/sh
# CLI contract tests: golden JSONL, formats, compile/--db round trip, errors.
# usage: run.sh PATH/TO/screener TESTDIR
set -u
BIN=$1
DIR=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fail=1; }

# 1. golden JSONL with --dict
"$BIN" scan --dict "$DIR/dict.txt" "$DIR/input.txt" > "$TMP/out.jsonl" 2> "$TMP/err"
if [ $? -eq 0 ] && cmp -s "$TMP/out.jsonl" "$DIR/expected.jsonl"; then ok "scan jsonl matches golden"
else bad "scan jsonl differs from golden"; diff "$DIR/expected.jsonl" "$TMP/out.jsonl" | head -20; cat "$TMP/err"; fi

# 2. one JSON object per input line, in order
lines_in=$(wc -l < "$DIR/input.txt"); lines_out=$(wc -l < "$TMP/out.jsonl")
[ "$lines_in" -eq "$lines_out" ] && ok "one output line per input line" || bad "line count $lines_out != $lines_in"

# 3. stdin gives the same output
"$BIN" scan --dict "$DIR/dict.txt" < "$DIR/input.txt" > "$TMP/stdin.jsonl"
cmp -s "$TMP/stdin.jsonl" "$DIR/expected.jsonl" && ok "stdin equals file input" || bad "stdin output differs"

# 4. compile -o, then scan --db gives the same output
"$BIN" compile --dict "$DIR/dict.txt" -o "$TMP/d.scdb" && \
"$BIN" scan --db "$TMP/d.scdb" "$DIR/input.txt" > "$TMP/db.jsonl" && \
cmp -s "$TMP/db.jsonl" "$DIR/expected.jsonl" && ok "compile + scan --db equals --dict" || bad "compiled database scans differently"

# 5. summary format
"$BIN" scan --dict "$DIR/dict.txt" --format summary "$DIR/input.txt" > "$TMP/sum.json"
grep -q '"messages":11,' "$TMP/sum.json" && grep -q '"messages_with_matches":6,' "$TMP/sum.json" && \
grep -q '"mb_per_s":' "$TMP/sum.json" && ok "summary totals" || { bad "summary totals"; cat "$TMP/sum.json"; }

# 6. text format is readable and mentions the disguised text
"$BIN" scan --dict "$DIR/dict.txt" --format text "$DIR/input.txt" > "$TMP/out.txt"
grep -q '^1: block' "$TMP/out.txt" && grep -q '法 輪 功' "$TMP/out.txt" && ok "text format" || bad "text format"

# 6b. generated forms (@forms): explain and jsonl name the entry they come from
printf '@forms english\nfuck\n' > "$TMP/forms.txt"
"$BIN" explain --dict "$TMP/forms.txt" "you fucks" > "$TMP/fexplain.txt"
echo "you fucks" | "$BIN" scan --dict "$TMP/forms.txt" > "$TMP/forms.jsonl"
grep -q '"fucks" (inflection of fuck)' "$TMP/fexplain.txt" && \
grep -q '"term":"fucks".*"reason":"inflection of fuck"' "$TMP/forms.jsonl" \
  && ok "generated forms: explain and jsonl give the reason" \
  || { bad "generated forms reason"; cat "$TMP/fexplain.txt" "$TMP/forms.jsonl"; }

# 7. explain shows the folded form and the span
"$BIN" explain --dict "$DIR/dict.txt" "ＦＵＣＫ 法輪功" > "$TMP/explain.txt"
grep -q 'folded:   "fuck法轮功"' "$TMP/explain.txt" && grep -q 'bytes \[13,22)' "$TMP/explain.txt" \
  && ok "explain" || { bad "explain"; cat "$TMP/explain.txt"; }

# 8. errors: exit 2 and one line naming file:line
printf 'ok\nbroken\tseverity=7\n' > "$TMP/bad.txt"
"$BIN" scan --dict "$TMP/bad.txt" "$DIR/input.txt" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "bad.txt:2:" "$TMP/err" && [ "$(wc -l < "$TMP/err")" -eq 1 ] \
  && ok "bad dictionary: exit 2 with file:line" || { bad "bad dictionary handling (rc=$rc)"; cat "$TMP/err"; }

"$BIN" scan --dict /nonexistent/x.txt < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "/nonexistent/x.txt" "$TMP/err" && ok "missing dictionary: exit 2" || bad "missing dictionary (rc=$rc)"

printf 'garbage' > "$TMP/garbage.scdb"
"$BIN" scan --db "$TMP/garbage.scdb" < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "not a screener database" "$TMP/err" && ok "invalid database: exit 2" || bad "invalid database (rc=$rc)"

head -c 1000 "$TMP/d.scdb" > "$TMP/trunc.scdb"
"$BIN" scan --db "$TMP/trunc.scdb" < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "truncated" "$TMP/err" && ok "truncated database: exit 2" || { bad "truncated database (rc=$rc)"; cat "$TMP/err"; }

"$BIN" scan --format xml < /dev/null > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "bad --format: exit 2" || bad "bad --format (rc=$rc)"
"$BIN" frobnicate > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "unknown command: exit 2" || bad "unknown command (rc=$rc)"
"$BIN" scan --dict "$DIR/dict.txt" /nonexistent/input.txt > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "unreadable input: exit 2" || bad "unreadable input (rc=$rc)"

# 9. the built-in database works with no flags
echo "ＡＶ女優 and 百 家 樂" | "$BIN" scan > "$TMP/builtin.json" 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && grep -q '"term":"百家乐","category":"illegal"' "$TMP/builtin.json" \
  && grep -q '"category":"porn"' "$TMP/builtin.json" && ok "built-in database" \
  || { bad "built-in database (rc=$rc)"; cat "$TMP/err" "$TMP/builtin.json"; }

# 10. info prints the header of a database file
"$BIN" info "$TMP/d.scdb" > "$TMP/info.txt"; rc=$?
[ $rc -eq 0 ] && grep -q "^fingerprint: *[0-9a-f]\{32\}$" "$TMP/info.txt" && grep -q "entries: *7 " "$TMP/info.txt" \
  && grep -q "game *1 deny" "$TMP/info.txt" && grep -q "traditional" "$TMP/info.txt" \
  && ok "info" || { bad "info (rc=$rc)"; cat "$TMP/info.txt"; }

# 11. mask: one mask character per original character, policy-driven
printf 'ＦＵＣＫ 法 輪 功 ok\n我的\n' | "$BIN" mask --dict "$DIR/dict.txt" > "$TMP/mask.txt"
printf '**** ***** ok\n我的\n' > "$TMP/mask.expected"
cmp -s "$TMP/mask.txt" "$TMP/mask.expected" && ok "mask" || { bad "mask"; cat "$TMP/mask.txt"; }
printf '我的\n' | "$BIN" mask --dict "$DIR/dict.txt" --all --char '█' > "$TMP/mask2.txt"
[ "$(cat "$TMP/mask2.txt")" = "██" ] && ok "mask --all --char" || { bad "mask --all --char"; cat "$TMP/mask2.txt"; }

# 12. hostile input never crashes: random bytes, long line without newline
head -c 200000 /dev/urandom > "$TMP/random.bin"
"$BIN" scan --dict "$DIR/dict.txt" "$TMP/random.bin" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && ok "random bytes" || { bad "random bytes (rc=$rc)"; cat "$TMP/err"; }

# 13. compile -o replaces only a regular file or a missing path, and never
# writes through a link planted at the temporary name it used to predict
# (PATH.tmp.<pid>). The device case uses a node of our own for /dev/full when
# we may create one (root), so that a regression cannot destroy the real one.
W="$TMP/w"; mkdir "$W"; printf 'precious data\n' > "$W/victim.txt"
sh -c 'ln -s "$1/victim.txt" "$1/out.scdb.tmp.$$"; exec "$2" compile --dict "$3" -o "$1/out.scdb"' \
  sh "$W" "$BIN" "$DIR/dict.txt" 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && [ "$(cat "$W/victim.txt")" = "precious data" ] && [ -f "$W/out.scdb" ] && \
  [ ! -L "$W/out.scdb" ] && cmp -s "$W/out.scdb" "$TMP/d.scdb" && ok "compile -o ignores a planted temporary link" \
  || { bad "compile -o with a planted temporary link (rc=$rc)"; cat "$TMP/err"; ls -la "$W"; }
dev=/dev/full
mknod "$W/full" c 1 7 2>/dev/null && dev="$W/full"
"$BIN" compile --dict "$DIR/dict.txt" -o "$dev" 2> "$TMP/err"; rc=$?
[ $rc -ne 0 ] && [ -c "$dev" ] && grep -q "$dev.*not a regular file" "$TMP/err" \
  && ok "compile -o refuses a device" || { bad "compile -o $dev (rc=$rc)"; cat "$TMP/err"; ls -la "$dev"; }
ln -s /dev/null "$W/null.scdb"; mkdir "$W/dir.scdb"
for t in "$W/null.scdb" "$W/dir.scdb"; do
  "$BIN" compile --dict "$DIR/dict.txt" -o "$t" 2> "$TMP/err"; rc=$?
  [ $rc -ne 0 ] && grep -q "not a regular file" "$TMP/err" && ok "compile -o refuses $(basename "$t")" \
    || { bad "compile -o $t (rc=$rc)"; cat "$TMP/err"; }
done
[ -L "$W/null.scdb" ] && [ -d "$W/dir.scdb" ] && [ -c /dev/null ] && ok "refused targets are untouched" \
  || { bad "a refused target changed"; ls -la "$W" /dev/null; }
printf 'old' > "$W/reg.scdb"
"$BIN" compile --dict "$DIR/dict.txt" -o "$W/reg.scdb" && cmp -s "$W/reg.scdb" "$TMP/d.scdb" \
  && ok "compile -o overwrites a regular file" || bad "compile -o over a regular file"
left=$(ls -a "$W" | grep -c '\.tmp\.' || true)
[ "$left" -eq 1 ] && ok "no temporary file left (only the planted link)" || { bad "temporary files left"; ls -la "$W"; }

# 14. --fold takes every family of the library's table (repeats too) and
#     names an unknown one
"$BIN" compile --dict "$DIR/dict.txt" -o "$TMP/rep.scdb" --fold repeats 2> "$TMP/err"; rc=$?
"$BIN" info "$TMP/rep.scdb" > "$TMP/rep.txt" 2>> "$TMP/err"
echo "fuuuuck FUCK" | "$BIN" scan --db "$TMP/rep.scdb" --format text > "$TMP/rep.scan" 2>> "$TMP/err"
[ $rc -eq 0 ] && grep -q '^fold families: *repeats$' "$TMP/rep.txt" \
  && grep -q '\[0,7) .*"fuck" found as "fuuuuck"' "$TMP/rep.scan" && ! grep -q '\[8,12)' "$TMP/rep.scan" \
  && ok "compile --fold repeats" || { bad "compile --fold repeats (rc=$rc)"; cat "$TMP/err" "$TMP/rep.txt" "$TMP/rep.scan"; }
"$BIN" compile --dict "$DIR/dict.txt" -o "$TMP/x.scdb" --fold case,bogus 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown fold family \`bogus\`" "$TMP/err" && grep -q "repeats" "$TMP/err" \
  && [ ! -e "$TMP/x.scdb" ] && ok "unknown fold family: exit 2 naming it" \
  || { bad "unknown fold family (rc=$rc)"; cat "$TMP/err"; }
"$BIN" help > "$TMP/help.txt"
n_fams=0
for fam in compat case traditional accents noise homoglyph repeats; do
  grep -q "^  $fam " "$TMP/help.txt" && n_fams=$((n_fams + 1))
done
[ $n_fams -eq 7 ] && ok "usage lists every fold family" || { bad "usage lists $n_fams of 7 fold families"; cat "$TMP/help.txt"; }

# 15. every command that writes checks its writes: to a full device or a
#     closed stdout it exits non-zero with one "write error" line; a reader
#     that goes away (EPIPE) gets no message
"$BIN" compile --dict "$DIR/dict.txt" -o "$TMP/w.scdb"
check_write_error() { # NAME EXPECTED-ERRNO-TEXT COMMAND...
  name=$1; want=$2; shift 2
  "$@" 2> "$TMP/werr"; rc=$?
  if [ $rc -ne 0 ] && [ "$(wc -l < "$TMP/werr")" -eq 1 ] \
     && grep -q "^screener: write error: $want" "$TMP/werr"; then ok "write error: $name"
  else bad "write error: $name (rc=$rc)"; cat "$TMP/werr"; fi
}
for fmt in jsonl text summary; do
  check_write_error "scan --format $fmt > /dev/full" "No space left" \
    sh -c '"$0" scan --db "$1" --format "$2" "$3" > /dev/full' "$BIN" "$TMP/w.scdb" "$fmt" "$DIR/input.txt"
done
check_write_error "mask > /dev/full" "No space left" \
  sh -c '"$0" mask --db "$1" "$2" > /dev/full' "$BIN" "$TMP/w.scdb" "$DIR/input.txt"
check_write_error "explain > /dev/full" "No space left" \
  sh -c '"$0" explain --db "$1" "ＦＵＣＫ" > /dev/full' "$BIN" "$TMP/w.scdb"
check_write_error "info > /dev/full" "No space left" \
  sh -c '"$0" info "$1" > /dev/full' "$BIN" "$TMP/w.scdb"
check_write_error "version > /dev/full" "No space left" sh -c '"$0" version > /dev/full' "$BIN"
check_write_error "help > /dev/full" "No space left" sh -c '"$0" help > /dev/full' "$BIN"
check_write_error "scan with stdout closed" "Bad file descriptor" \
  sh -c '"$0" scan --db "$1" "$2" >&-' "$BIN" "$TMP/w.scdb" "$DIR/input.txt"
check_write_error "info with stdout closed" "Bad file descriptor" \
  sh -c '"$0" info "$1" >&-' "$BIN" "$TMP/w.scdb"
# a write that fails long before the end: still exactly one message
yes "fuck 法轮功 and more text" | head -n 200000 > "$TMP/long.txt"
check_write_error "long scan > /dev/full" "No space left" \
  sh -c '"$0" scan --db "$1" "$2" > /dev/full' "$BIN" "$TMP/w.scdb" "$TMP/long.txt"
# EPIPE: quiet, with SIGPIPE ignored too (then exit status 141)
( trap '' PIPE; "$BIN" scan --db "$TMP/w.scdb" "$TMP/long.txt" 2> "$TMP/perr"; echo $? > "$TMP/prc" ) | head -n 1 > /dev/null
[ "$(cat "$TMP/prc")" = 141 ] && [ ! -s "$TMP/perr" ] && ok "EPIPE with SIGPIPE ignored: quiet, exit 141" \
  || { bad "EPIPE with SIGPIPE ignored (rc=$(cat "$TMP/prc"))"; cat "$TMP/perr"; }
# compile writes nothing to stdout: a closed stdout is no error for it
"$BIN" compile --dict "$DIR/dict.txt" -o "$TMP/w2.scdb" >&- 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/w.scdb" "$TMP/w2.scdb" \
  && ok "compile with stdout closed" || { bad "compile with stdout closed (rc=$rc)"; cat "$TMP/err"; }

# signed databases: keygen, compile --sign, --trusted-key on scan/mask/explain/info
"$BIN" keygen "$TMP/k.sec" "$TMP/k.pub" > "$TMP/kout" && [ "$(stat -c %a "$TMP/k.sec")" = 600 ] \
  && grep -q '^key id [0-9a-f]\{32\}$' "$TMP/kout" && ok "keygen" || bad "keygen"
"$BIN" keygen "$TMP/k.sec" "$TMP/k2.pub" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "k.sec: already exists" "$TMP/err" && [ ! -e "$TMP/k2.pub" ] \
  && ok "keygen never overwrites" || { bad "keygen overwrite (rc=$rc)"; cat "$TMP/err"; }
"$BIN" keygen "$TMP/o.sec" "$TMP/o.pub" > /dev/null
"$BIN" compile --sign "$TMP/k.sec" --dict "$DIR/dict.txt" -o "$TMP/s.scdb" && \
"$BIN" scan --trusted-key "$TMP/k.pub" --db "$TMP/s.scdb" "$DIR/input.txt" > "$TMP/s.jsonl" && \
cmp -s "$TMP/s.jsonl" "$DIR/expected.jsonl" && ok "compile --sign + scan --trusted-key" \
  || bad "signed scan"
for cmd in "scan --db" "mask --db" "info" "explain --db"; do
  extra=""; [ "$cmd" = "explain --db" ] && extra="x"
  "$BIN" $cmd "$TMP/s.scdb" --trusted-key "$TMP/k.pub" $extra < /dev/null > /dev/null 2> "$TMP/err" \
    || bad "$cmd signed with the right key"
  "$BIN" $cmd "$TMP/s.scdb" --trusted-key "$TMP/o.pub" $extra < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
  [ $rc -eq 2 ] && grep -q "s.scdb: signed by key .* not a trusted key" "$TMP/err" \
    && ok "$cmd: other key refused" || { bad "$cmd other key (rc=$rc)"; cat "$TMP/err"; }
  "$BIN" $cmd "$TMP/d.scdb" --trusted-key "$TMP/k.pub" $extra < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
  [ $rc -eq 2 ] && grep -q "d.scdb: no signature trailer" "$TMP/err" \
    && ok "$cmd: unsigned refused" || { bad "$cmd unsigned (rc=$rc)"; cat "$TMP/err"; }
done
"$BIN" info --trusted-key "$TMP/k.pub" "$TMP/s.scdb" | grep -q "^signature: *verified, key" \
  && "$BIN" info "$TMP/s.scdb" | grep -q "NOT verified" && ok "info shows the signature" \
  || bad "info signature line"
"$BIN" scan --trusted-key "$TMP/k.sec" --db "$TMP/s.scdb" < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "k.sec: this is a SECRET key file" "$TMP/err" \
  && ok "secret key as --trusted-key refused" || { bad "secret as trusted (rc=$rc)"; cat "$TMP/err"; }
"$BIN" compile --sign "$TMP/k.pub" --dict "$DIR/dict.txt" -o "$TMP/x.scdb" 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "k.pub: this is a public key file" "$TMP/err" && [ ! -e "$TMP/x.scdb" ] \
  && ok "public key for --sign refused" || { bad "--sign public (rc=$rc)"; cat "$TMP/err"; }
cp "$TMP/s.scdb" "$TMP/flip.scdb"
printf '\001' | dd of="$TMP/flip.scdb" bs=1 seek=300 conv=notrunc 2> /dev/null
"$BIN" scan --trusted-key "$TMP/k.pub" --db "$TMP/flip.scdb" < /dev/null > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "signature does not verify" "$TMP/err" && ok "modified signed file refused" \
  || { bad "modified signed file (rc=$rc)"; cat "$TMP/err"; }

exit $fail
