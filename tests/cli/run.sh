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
# 6c. co-occurrence rules: explain names the parts that fired, jsonl carries them,
#     info counts rules, mask replaces the parts only, a bad rule names its line
printf '@category ads\n@rule 加微信 NEAR/10 日赚\n@rule 兼职 AND NOT 学校\n' > "$TMP/rules.txt"
"$BIN" explain --dict "$TMP/rules.txt" "加 微 信，轻松日賺三百" > "$TMP/rexplain.txt"
echo "加 微 信，轻松日賺三百" | "$BIN" scan --dict "$TMP/rules.txt" > "$TMP/rules.jsonl"
"$BIN" info --dict "$TMP/rules.txt" > "$TMP/rinfo.txt"
echo "加微信，轻松日赚三百" | "$BIN" mask --dict "$TMP/rules.txt" > "$TMP/rmask.txt"
printf '@rule 加微信 NEER/10 日赚\n' > "$TMP/badrule.txt"
"$BIN" compile --dict "$TMP/badrule.txt" -o "$TMP/badrule.scdb" 2> "$TMP/badrule.err"; rc=$?
grep -q 'part A: bytes \[0,11) "加 微 信" = "加微信"' "$TMP/rexplain.txt" && \
grep -q 'part B: bytes \[20,26) "日賺" = "日赚"' "$TMP/rexplain.txt" && \
grep -q '"rule":{"op":"NEAR","distance":10,"parts":\[{"term":"加微信","start":0,"end":11' "$TMP/rules.jsonl" && \
grep -q '^rules: *2 (NEAR 1, AND NOT 1, THEN 0)' "$TMP/rinfo.txt" && \
grep -qx '\*\*\*，轻松\*\*三百' "$TMP/rmask.txt" && \
[ $rc -eq 2 ] && grep -q 'badrule.txt:1: unknown rule operator `NEER/10`' "$TMP/badrule.err" \
  && ok "rules: explain, jsonl, info, mask and errors" \
  || { bad "rules"; cat "$TMP/rexplain.txt" "$TMP/rules.jsonl" "$TMP/rinfo.txt" "$TMP/rmask.txt" "$TMP/badrule.err"; }

# 7. explain shows the folded form and the span
"$BIN" explain --dict "$DIR/dict.txt" "ＦＵＣＫ 法輪功" > "$TMP/explain.txt"
grep -q 'folded:   "fuck法轮功"' "$TMP/explain.txt" && grep -q 'bytes \[13,22)' "$TMP/explain.txt" \
  && ok "explain" || { bad "explain"; cat "$TMP/explain.txt"; }

# 7a. split forms: explain and jsonl say what a match was found as, info counts them
printf '@forms split\n强奸\n' > "$TMP/split.txt"
"$BIN" explain --dict "$TMP/split.txt" "他弓 虽女干了" > "$TMP/sexplain.txt"
printf '弓虽奸\n' | "$BIN" scan --format jsonl --dict "$TMP/split.txt" > "$TMP/split.jsonl"
"$BIN" info --dict "$TMP/split.txt" > "$TMP/sinfo.txt"
grep -q 'bytes \[3,16) "弓 虽女干" = "弓虽女干" (split form of 强奸)' "$TMP/sexplain.txt" && \
grep -q '"start":0,"end":9,.*"reason":"split form of 强奸"' "$TMP/split.jsonl" && \
grep -q '^generated: *split form 3$' "$TMP/sinfo.txt" \
  && ok "split forms: explain, jsonl, info" \
  || { bad "split forms"; cat "$TMP/sexplain.txt" "$TMP/split.jsonl" "$TMP/sinfo.txt"; }

# 7b. explain shows the text as folded ("book" stays "book"), the collapsed form
# literals are matched in as its own line, and how a leet match was read
printf 'ass\nshit\n' > "$TMP/leet.txt"
"$BIN" explain --dict "$TMP/leet.txt" "book sh1t" > "$TMP/lexplain.txt"
grep -q 'folded:   "booksh1t"' "$TMP/lexplain.txt" && \
grep -q 'matched as: "boksh1t" (repeated letters collapsed)' "$TMP/lexplain.txt" && \
grep -q 'leet:     "book shit"' "$TMP/lexplain.txt" && \
grep -q 'bytes \[5,9) "sh1t" = "shit" \[read as leet\]' "$TMP/lexplain.txt" \
  && ok "explain: folded, collapsed and leet lines" || { bad "explain lines"; cat "$TMP/lexplain.txt"; }

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

# 14b. version names the library and the CPU path the fold takes; asking for
#      a lower path by SCREENER_CPU is obeyed
"$BIN" version > "$TMP/ver.txt"
SCREENER_CPU=scalar "$BIN" version > "$TMP/ver-scalar.txt"
grep -q '^screener [0-9][0-9.]*$' "$TMP/ver.txt" && \
grep -Eq '^cpu path: (scalar|sse2|avx2|avx512)' "$TMP/ver.txt" && \
grep -q '^cpu path: scalar$' "$TMP/ver-scalar.txt" \
  && ok "version names the cpu path" || { bad "version cpu path"; cat "$TMP/ver.txt" "$TMP/ver-scalar.txt"; }

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

# 16. the scan output follows docs/scan-output.schema.json (every format that
#     writes JSON, the built-in database, --only-flagged); a record that breaks
#     the schema is caught (the validator can fail)
SCHEMA="$DIR/../../docs/scan-output.schema.json"
PY=python3
"$PY" -c 'import jsonschema' 2>/dev/null || PY=/usr/bin/python3
"$BIN" scan --dict "$DIR/dict.txt" --only-flagged "$DIR/input.txt" > "$TMP/flagged.jsonl"
head -c 300000 /dev/urandom | tr '\000' x > "$TMP/rand.txt"
"$BIN" scan "$TMP/rand.txt" "$DIR/../../cli/demo/messages.txt" > "$TMP/rand.jsonl"
"$PY" "$DIR/validate_schema.py" "$SCHEMA" "$TMP/out.jsonl" "$TMP/builtin.json" "$TMP/sum.json" \
  "$TMP/flagged.jsonl" "$TMP/rand.jsonl" "$TMP/rules.jsonl" > "$TMP/schema.txt" 2>&1 \
  && ok "scan output validates against the JSON Schema" || { bad "JSON Schema"; head "$TMP/schema.txt"; }
sed 's/"severity":3/"severity":9/' "$TMP/out.jsonl" > "$TMP/broken.jsonl"
"$PY" "$DIR/validate_schema.py" "$SCHEMA" "$TMP/broken.jsonl" > "$TMP/schema.txt" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "broken.jsonl:1:" "$TMP/schema.txt" && ok "the schema rejects a broken record" \
  || { bad "schema negative control (rc=$rc)"; head "$TMP/schema.txt"; }

# 17. --only-flagged writes exactly the messages whose action is not pass;
#     --fail-on ACTION exits 1 when one reached ACTION
[ "$(wc -l < "$TMP/flagged.jsonl")" -eq 6 ] && ! grep -q '"action":"pass"' "$TMP/flagged.jsonl" \
  && grep -v '"action":"pass"' "$TMP/out.jsonl" | cmp -s - "$TMP/flagged.jsonl" \
  && ok "--only-flagged" || { bad "--only-flagged"; cat "$TMP/flagged.jsonl"; }
"$BIN" scan --dict "$DIR/dict.txt" --fail-on block "$DIR/input.txt" > /dev/null; rc1=$?
echo "hello" | "$BIN" scan --dict "$DIR/dict.txt" --fail-on review > /dev/null; rc0=$?
echo "我的" | "$BIN" scan --dict "$DIR/dict.txt" --fail-on mask --format summary > /dev/null; rc_sev1=$?
"$BIN" scan --dict "$DIR/dict.txt" --fail-on=delete < /dev/null > /dev/null 2> "$TMP/err"; rc2=$?
[ $rc1 -eq 1 ] && [ $rc0 -eq 0 ] && [ $rc_sev1 -eq 0 ] && [ $rc2 -eq 2 ] && grep -q '`delete`' "$TMP/err" \
  && ok "--fail-on: 1 when reached, 0 when not, 2 for an unknown action" \
  || { bad "--fail-on (rc $rc1 $rc0 $rc_sev1 $rc2)"; cat "$TMP/err"; }

# 18. per-command help, --opt=value, options rejected where they do nothing,
#     unknown commands named
"$BIN" scan --help > "$TMP/h.txt"; rc=$?
[ $rc -eq 0 ] && grep -q '^usage: screener scan ' "$TMP/h.txt" && grep -q -- '--only-flagged' "$TMP/h.txt" \
  && ! grep -q -- '--char' "$TMP/h.txt" && ok "scan --help lists scan's options only" || { bad "scan --help"; cat "$TMP/h.txt"; }
for c in compile explain mask info; do
  "$BIN" "$c" -h > "$TMP/h.txt" && "$BIN" help "$c" | cmp -s - "$TMP/h.txt" \
    && grep -q "^usage: screener $c " "$TMP/h.txt" && ok "$c -h = help $c" || { bad "$c -h"; cat "$TMP/h.txt"; }
done
"$BIN" scan --dict="$DIR/dict.txt" --format=text "$DIR/input.txt" | cmp -s - "$TMP/out.txt" \
  && ok "--opt=value equals --opt value" || bad "--opt=value"
reject() { # NAME WANT-IN-MESSAGE ARGS...
  name=$1; want=$2; shift 2
  "$BIN" "$@" < /dev/null > "$TMP/rout" 2> "$TMP/err"; rc=$?
  [ $rc -eq 2 ] && grep -q -- "$want" "$TMP/err" && [ ! -s "$TMP/rout" ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] \
    && ok "rejected: $name" || { bad "not rejected: $name (rc=$rc)"; cat "$TMP/err"; }
}
reject "scan -o" "-o has no effect here (it is an option of: compile)" scan -o "$TMP/o.out"
reject "scan --all" "--all has no effect here (it is an option of: mask)" scan --all
reject "scan --char" "--char has no effect here" scan --char x
reject "mask --format" "--format has no effect here (it is an option of: scan)" mask --format text
reject "compile --only-flagged" "--only-flagged has no effect" compile --dict "$DIR/dict.txt" -o "$TMP/x" --only-flagged
reject "scan --fold without --dict" "keeps the fold families" scan --fold none
reject "explain --native with --db" "apply when compiling" explain --db "$TMP/d.scdb" --native x
reject "--only-flagged with summary" "no effect with --format summary" scan --format summary --only-flagged
reject "a flag given a value" "--all takes no value" mask --all=yes
reject "unknown option" "unknown option --frob" scan --frob
reject "unknown command" "unknown command \`frobnicate\`" frobnicate
[ ! -e "$TMP/o.out" ] && ok "rejected -o wrote nothing" || bad "scan -o created a file"
# --fold takes effect wherever --dict is compiled
echo "ＦＵＣＫ" | "$BIN" scan --dict "$DIR/dict.txt" --fold none > "$TMP/f0.json"
echo "ＦＵＣＫ" | "$BIN" scan --dict "$DIR/dict.txt" > "$TMP/f1.json"
grep -q '"action":"pass"' "$TMP/f0.json" && grep -q '"action":"block"' "$TMP/f1.json" \
  && ok "scan --dict --fold none matches exactly" || { bad "scan --fold none"; cat "$TMP/f0.json" "$TMP/f1.json"; }

# 19. compile --dict FILE FILE ... (as a shell glob writes it)
printf '@category extra\nzzyzx\n' > "$TMP/extra.txt"
"$BIN" compile --dict "$DIR/dict.txt" "$TMP/extra.txt" -o "$TMP/two.scdb" && \
  echo "zzyzx fuck" | "$BIN" scan --db "$TMP/two.scdb" > "$TMP/two.json" && \
  grep -q '"term":"zzyzx","category":"extra"' "$TMP/two.json" && grep -q '"term":"fuck"' "$TMP/two.json" \
  && ok "compile --dict takes several files" || { bad "compile --dict FILE FILE"; cat "$TMP/two.json"; }

# 20. pipelines get each verdict when its line is scanned (tests/cli/linebuf.py)
"$PY" "$DIR/linebuf.py" "$BIN" "$DIR/dict.txt" > "$TMP/lb.txt" 2>&1; rc=$?
cat "$TMP/lb.txt"; [ $rc -eq 0 ] || fail=1

# 20b. the lines of a file are scanned in batches: results stay with their
#      lines (tests/cli/batched.py)
"$PY" "$DIR/batched.py" "$BIN" "$DIR/dict.txt" > "$TMP/bt.txt" 2>&1; rc=$?
cat "$TMP/bt.txt"; [ $rc -eq 0 ] || fail=1

# 21. dictionaries: a term ending in attributes written with spaces is a
#     warning naming file:line; `@action * review` then `@action 3 block` is a
#     default and an override
printf 'fine\nACME-Q3-forecast    severity=3\n' > "$TMP/spaced.txt"
"$BIN" compile --dict "$TMP/spaced.txt" -o "$TMP/sp.scdb" 2> "$TMP/err"; rc=$?
[ $rc -eq 0 ] && grep -q "^screener: warning: $TMP/spaced.txt:2: .*ACME-Q3-forecast    severity=3.*TAB" "$TMP/err" \
  && [ "$(wc -l < "$TMP/err")" -eq 1 ] && ok "lint: attributes written with spaces (file:line)" \
  || { bad "lint warning (rc=$rc)"; cat "$TMP/err"; }
printf '@category t\n@action * review\n@action 3 block\nxylo\tseverity=3\nmarim\tseverity=1\n' > "$TMP/pol.txt"
printf 'xylo\nmarim\n' | "$BIN" scan --dict "$TMP/pol.txt" > "$TMP/pol.json" 2> "$TMP/err"
sed -n 1p "$TMP/pol.json" | grep -q '"action":"block"' && sed -n 2p "$TMP/pol.json" | grep -q '"action":"review"' \
  && ok "@action * then @action 3: default, then override" || { bad "@action default/override"; cat "$TMP/err" "$TMP/pol.json"; }

# 22. several inputs: each result names its file, lines are numbered per
#     file; --stats writes the totals to stderr next to the JSONL
printf 'fuck\nok\n' > "$TMP/second.txt"
"$BIN" scan --dict "$DIR/dict.txt" --stats "$DIR/input.txt" - < "$TMP/second.txt" > "$TMP/multi.jsonl" 2> "$TMP/stats.json"; rc=$?
n1=$(grep -c "\"file\":\"$DIR/input.txt\"" "$TMP/multi.jsonl")
[ $rc -eq 0 ] && [ "$n1" -eq 11 ] && [ "$(wc -l < "$TMP/multi.jsonl")" -eq 13 ] \
  && sed -n 12p "$TMP/multi.jsonl" | grep -q '^{"file":"<stdin>","line":1,"action":"block"' \
  && sed -n 13p "$TMP/multi.jsonl" | grep -q '^{"file":"<stdin>","line":2,"action":"pass"' \
  && ok "several inputs: file field, lines numbered per file" || { bad "several inputs (rc=$rc)"; cat "$TMP/multi.jsonl"; }
grep -q '^{"messages":13,"bytes":[0-9]*,"messages_with_matches":7,' "$TMP/stats.json" && [ "$(wc -l < "$TMP/stats.json")" -eq 1 ] \
  && "$PY" "$DIR/validate_schema.py" "$SCHEMA" "$TMP/multi.jsonl" "$TMP/stats.json" > "$TMP/schema.txt" 2>&1 \
  && ok "--stats: totals on stderr; both validate against the schema" || { bad "--stats"; cat "$TMP/stats.json" "$TMP/schema.txt"; }
"$BIN" scan --dict "$DIR/dict.txt" --format text "$DIR/input.txt" "$TMP/second.txt" | grep -q "^$TMP/second.txt:1: block" \
  && ok "several inputs, text format: FILE:LINE" || bad "several inputs, text format"

# 23. progress on a terminal: a scan that lasts over a second redraws a status
#     line on stderr when stderr is a terminal (util-linux `script` gives it
#     one); input arrives in two parts 2 s apart, so the second part is
#     scanned more than a second after the start. No terminal, no progress.
if command -v script > /dev/null; then
  yes 'fuck and more text' | head -n 2000 > "$TMP/part.txt"
  script -qec "sh -c '(cat \"$TMP/part.txt\"; sleep 2; cat \"$TMP/part.txt\") | \"$BIN\" scan --dict \"$DIR/dict.txt\" > \"$TMP/prog.out\"'" /dev/null > "$TMP/tty.txt" 2>&1
  tr '\r' '\n' < "$TMP/tty.txt" | grep -q '^screener: [0-9.]* MB, 4000 messages, [0-9.]* MB/s$' \
    && [ "$(wc -l < "$TMP/prog.out")" -eq 4000 ] && ok "progress line on a terminal" \
    || { bad "progress line on a terminal"; cat -A "$TMP/tty.txt" | head -5; }
  (cat "$TMP/part.txt"; sleep 2; cat "$TMP/part.txt") | "$BIN" scan --dict "$DIR/dict.txt" > /dev/null 2> "$TMP/err"
  [ ! -s "$TMP/err" ] && ok "no progress line when stderr is not a terminal" || { bad "progress without a terminal"; cat "$TMP/err"; }
else
  echo "skip - progress line (no util-linux script command)"
fi

# 24. compile --lenient: bad lines of a third-party list are skipped, each a
#     warning FILE:LINE: skipped: ..., then the count; strict (the default)
#     fails on the first; --lenient has no effect without --dict
printf 'fuck\nbad\tsevrity=2\n!!!\nshit\tseverity=9\n(a|b\tregex\nwank\n' > "$TMP/third.txt"
"$BIN" compile --dict "$TMP/third.txt" -o "$TMP/strict.scdb" 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "third.txt:2: unknown attribute" "$TMP/err" && [ ! -e "$TMP/strict.scdb" ] \
  && ok "compile is strict by default (first bad line)" || { bad "strict compile (rc=$rc)"; cat "$TMP/err"; }
"$BIN" compile --lenient --dict "$TMP/third.txt" -o "$TMP/len.scdb" 2> "$TMP/err"; rc=$?
n=$(grep -c "^screener: warning: $TMP/third.txt:[2-5]: skipped: " "$TMP/err")
[ $rc -eq 0 ] && [ "$n" -eq 4 ] && tail -n 1 "$TMP/err" | grep -q '^screener: warning: 4 lines skipped$' \
  && printf 'fuck\nwank\nshit\n' | "$BIN" scan --db "$TMP/len.scdb" > "$TMP/len.json" \
  && sed -n 1p "$TMP/len.json" | grep -q '"action":"mask"' && sed -n 2p "$TMP/len.json" | grep -q '"action":"mask"' \
  && sed -n 3p "$TMP/len.json" | grep -q '"action":"pass"' \
  && ok "compile --lenient skips and reports bad lines" || { bad "compile --lenient (rc=$rc)"; cat "$TMP/err" "$TMP/len.json"; }
echo wank | "$BIN" scan --lenient --dict "$TMP/third.txt" 2> /dev/null | grep -q '"action":"mask"' \
  && ok "scan --lenient --dict compiles leniently" || bad "scan --lenient --dict"
reject "scan --lenient without --dict" "--lenient applies when compiling" scan --lenient
"$BIN" compile --help | grep -q -- '--lenient' && ok "compile --help lists --lenient" || bad "compile --help --lenient"

# 25. regions: matches inside @mentions and platform link wrappers (t.co) are
#     reported as suppressed by default; --exclude none reads them as text,
#     --include takes one kind out; explain names the region.
printf 'fuck\n@detect url\n' > "$TMP/reg.txt"
printf '@fuck_you hi\nRT @fuck: hi http://t.co/Ab12\nhttp://t.co/fuck\nmail bob@fuck.com now\n' > "$TMP/reg-in.txt"
"$BIN" scan --dict "$TMP/reg.txt" --format text "$TMP/reg-in.txt" > "$TMP/reg-def.txt"
"$BIN" scan --dict "$TMP/reg.txt" --format text --exclude none "$TMP/reg-in.txt" > "$TMP/reg-none.txt"
"$BIN" scan --dict "$TMP/reg.txt" --format text --include mentions "$TMP/reg-in.txt" > "$TMP/reg-inc.txt"
"$BIN" scan --dict "$TMP/reg.txt" --format text --exclude=link-wrappers "$TMP/reg-in.txt" > "$TMP/reg-lw.txt"
[ "$(grep -c ': pass$' "$TMP/reg-def.txt")" -eq 3 ] && grep -q '^4: mask' "$TMP/reg-def.txt" \
  && ok "regions: mentions and t.co links do not count by default" \
  || { bad "regions by default"; cat "$TMP/reg-def.txt"; }
[ "$(grep -c ': pass$' "$TMP/reg-none.txt")" -eq 0 ] && grep -q 'found as "http://t.co/Ab12"' "$TMP/reg-none.txt" \
  && ok "regions: --exclude none reads every byte as text" || { bad "--exclude none"; cat "$TMP/reg-none.txt"; }
grep -q '^1: mask' "$TMP/reg-inc.txt" && grep -q '^3: pass' "$TMP/reg-inc.txt" \
  && cmp -s "$TMP/reg-inc.txt" "$TMP/reg-lw.txt" \
  && ok "regions: --include mentions = --exclude link-wrappers" || { bad "--include mentions"; cat "$TMP/reg-inc.txt"; }
"$BIN" explain --dict "$TMP/reg.txt" 'RT @fuck: hi http://t.co/fuck fuck' > "$TMP/reg-ex.txt"
grep -q '\[excluded: in a mention\]' "$TMP/reg-ex.txt" && grep -q '\[excluded: in a link wrapper\]' "$TMP/reg-ex.txt" \
  && grep -q '^verdict:  mask' "$TMP/reg-ex.txt" && ok "explain names the region of an excluded match" \
  || { bad "explain regions"; cat "$TMP/reg-ex.txt"; }
printf '@fuck fuck\n' | "$BIN" mask --dict "$TMP/reg.txt" > "$TMP/reg-mask.txt"
[ "$(cat "$TMP/reg-mask.txt")" = '@fuck ****' ] && ok "mask leaves a mention as it is" \
  || { bad "mask and mentions"; cat "$TMP/reg-mask.txt"; }
"$BIN" scan --dict "$TMP/reg.txt" --exclude mentions,bogus "$TMP/reg-in.txt" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'unknown region kind `bogus`' "$TMP/err" && grep -q 'link-wrappers' "$TMP/err" \
  && ok "unknown region kind: exit 2 naming it and the known ones" || { bad "unknown region kind (rc=$rc)"; cat "$TMP/err"; }
"$BIN" compile --dict "$TMP/reg.txt" -o "$TMP/reg.scdb" --exclude none 2> "$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'has no effect here' "$TMP/err" && ok "--exclude is refused by compile" \
  || { bad "--exclude on compile (rc=$rc)"; cat "$TMP/err"; }
"$BIN" scan --help | sed -n '/^regions/,$s/^  \([a-z-]*\)  .*/\1/p' > "$TMP/kinds.txt"
[ "$(tr '\n' ' ' < "$TMP/kinds.txt")" = "mentions link-wrappers " ] && "$BIN" help --man | grep -q '^\.SH REGIONS' \
  && ok "scan --help and the man page list the region kinds" || { bad "region kinds in help"; cat "$TMP/kinds.txt"; }

exit $fail
