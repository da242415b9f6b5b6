/*
 * db.h — the database: one contiguous, checksummed blob (the same bytes in
 * memory and on disk) and the run-time view over it.
 *
 * Blob layout (all integers little-endian, sections 8-byte aligned):
 *   db_header                       fixed size, offsets of the sections
 *   SEC_TRIE        fold table: ucptrie_toBinary bytes, packed (pack.c;
 *                   unpacked once at load into memory the db owns)
 *   SEC_EXPAND      uint16 expansion units of the fold table
 *   SEC_ENTRIES     db_entry[n_entries]
 *   SEC_LITS        db_lit[n_lits]  (Hyperscan literal id = index)
 *   SEC_LIT_ENTRIES uint32 entry ids, grouped per literal
 *   SEC_CATS        db_category[n_cats]
 *   SEC_SOURCES     uint32 string offsets of source names
 *   SEC_STRINGS     NUL-terminated strings
 *   SEC_HS          hs_serialize_database bytes (literals)
 *   SEC_HS_REGEX    hs_serialize_database bytes (regex entries), may be empty
 *   SEC_HS_REGEX_START  hs_serialize_database bytes: the regexes anchored at
 *                   a start, to recover where a match starts (m_regex.c)
 *   SEC_REGEXES     db_regex[n_regex]: entry id and widest match per regex
 *   SEC_HS_LEET     hs_serialize_database bytes: the literals made of Latin
 *                   letters only (same ids), matched on the leet view; empty
 *                   unless the leet fold family is on and such terms exist
 *   SEC_HS_NARROW   hs_serialize_database bytes: the literals whose folded
 *                   units are all ASCII 1..0x7F (same ids), one byte per
 *                   unit, scanned instead of SEC_HS when a message's folded
 *                   view is all ASCII; empty when there is none
 * The checksum (XXH3-128) covers every byte after the checksum field and is
 * verified before any section is interpreted or handed to Hyperscan.
 */
#ifndef SCREENER_DB_H
#define SCREENER_DB_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <hs.h>

#include "normalize/foldtable.h"
#include "screener.h"

#define DB_MAGIC "SCRNRDB\x1a"
/* Version history: 1 (0.1.0); 2: header field regex_max_width (was
 * reserved), DB_ENTRY_* bits as renumbered for regex entries; 3: header
 * field views (was padding), entry byte `options` (was reserved), the regex
 * database without start-of-match reporting (Vectorscan's SOM crashed at
 * scan time), sections SEC_HS_REGEX_START and SEC_REGEXES; 4: section
 * SEC_RULES (co-occurrence rules; the header's section arrays grew), entry
 * options DB_OPT_RULE and DB_OPT_PART; 5: section SEC_HS_LEET (the section
 * table grew by one more); 6: section SEC_HS_NARROW (the section table grew
 * by one more); 7: db_regex field min_width (a scan skips the regex row on a
 * byte view shorter than every regex's shortest match); 8: SEC_TRIE stored
 * packed (pack.c: codec id, unpacked size, word LZ77), 218 KB -> 65 KB. */
#define DB_FORMAT_VERSION 8u

/* Shortest literal the leet section (SEC_HS_LEET) holds, in folded units:
 * the compiler puts only literals of 2+ letters a-z there
 * (compile/leet_lits.c), the leet row skips a reading shorter than this
 * (scan/matchers.c shortest_leet), and the load refuses a section that
 * reports a shorter literal (db.c check_leet_shortest). */
#define DB_LEET_MIN_UNITS 2u

/* Longest match a regex entry may have, in bytes of the byte view (checked
 * at compile time and again at load). */
#define DB_REGEX_MAX_WIDTH 1024u

enum {
    SEC_TRIE,
    SEC_EXPAND,
    SEC_ENTRIES,
    SEC_LITS,
    SEC_LIT_ENTRIES,
    SEC_CATS,
    SEC_SOURCES,
    SEC_STRINGS,
    SEC_HS,
    SEC_HS_REGEX, /* hs_serialize_database of the regex entries (id = entry id) */
    SEC_HS_REGEX_START, /* the same regexes anchored (id = 2 x entry id + context) */
    SEC_REGEXES,        /* db_regex per regex entry, by entry id */
    SEC_RULES,          /* db_rule per rule entry, by entry id */
    SEC_HS_LEET,        /* hs_serialize_database of the Latin-letter literals (id = literal
                           index), for the leet view; empty without the leet family */
    SEC_HS_NARROW,      /* hs_serialize_database of the all-ASCII literals, one byte per unit
                           (id = literal index), for all-ASCII folded views; may be empty */
    SEC_COUNT
};

typedef struct db_header {
    char magic[8];
    uint32_t format_version;
    uint32_t header_size;
    uint64_t file_size;
    uint8_t checksum[16]; /* XXH3-128 (canonical) of bytes [40, file_size) */
    uint32_t lib_version;
    uint32_t fold_flags;
    char hs_version[64];
    char icu_version[16];
    uint8_t fingerprint[16];
    uint32_t count[SEC_COUNT]; /* element counts */
    uint32_t regex_max_width;  /* longest match of any regex entry, bytes */
    uint32_t views;            /* VIEW_* bits (normalize/views.h) its matchers read */
    uint64_t sec_off[SEC_COUNT];
    uint64_t sec_len[SEC_COUNT]; /* bytes */
} db_header;

#define DB_CHECKSUM_FROM 40

/* Entry flags beyond the public SCREENER_ENTRY_* bits (internal). */
#define DB_ENTRY_NEED_START 0x20u /* word boundary required before */
#define DB_ENTRY_NEED_END 0x40u   /* word boundary required after */
#define DB_ENTRY_CHECK_SPAN 0x80u /* has word letters: verify with fold_span_check */
#define DB_ENTRY_PUBLIC 0x1Fu     /* the SCREENER_ENTRY_* bits */
_Static_assert((DB_ENTRY_PUBLIC & (SCREENER_ENTRY_ALLOW | SCREENER_ENTRY_WORD |
                                   SCREENER_ENTRY_SUBSTRING | SCREENER_ENTRY_DETECTOR |
                                   SCREENER_ENTRY_REGEX)) == DB_ENTRY_PUBLIC,
               "internal entry flags must not overlap the public ones");

typedef struct db_entry {
    uint32_t term_off; /* into strings */
    uint32_t term_len;
    uint32_t source;   /* index into sources */
    uint32_t line;
    uint32_t category;
    uint8_t severity;
    uint8_t flags;
    uint8_t detector; /* DETECT_* for SCREENER_ENTRY_DETECTOR entries */
    uint8_t options;  /* DB_OPT_* (was reserved, always 0, before format 3) */
} db_entry;

/* Entry options (DB_OPT_NUMERALS has dict.h's DICT_OPT_NUMERALS value). */
#define DB_OPT_NUMERALS 1u  /* ASCII digits of the term also match Chinese numerals */
#define DB_OPT_GENERATED 2u /* a generated entry (compile/forms.c, compile/variants.c): its
                               reason string follows the term's NUL in strings */
#define DB_OPT_HOST 4u      /* (with GENERATED) a host word: an allow entry for its
                               parent term only */
#define DB_OPT_RULE 8u      /* a co-occurrence rule (`@rule A NEAR/n B`): no literal of its
                               own; its term is the rule's text, its parts are entries */
#define DB_OPT_PART 16u     /* (with GENERATED) a part of a rule: matched like a term,
                               never reported; the rules section names its rule */
#define DB_OPT_ALL (DB_OPT_NUMERALS | DB_OPT_GENERATED | DB_OPT_HOST | DB_OPT_RULE | DB_OPT_PART)

/* A literal is one folded form; an entry may have two (its canonical form and,
 * for terms with doubled letters, its uncollapsed "spaced" form), so the
 * literal -> entries lists may name an entry under two literals. */
typedef struct db_lit {
    uint32_t entries_off; /* into lit_entries */
    uint32_t n_entries;
    uint32_t units;       /* folded length in UTF-16 units */
    uint8_t stripped;     /* leading NUL byte removed for Hyperscan */
    uint8_t bound;        /* DB_LIT_*: boundary rules ALL its entries need */
    uint8_t reserved[2];
} db_lit;

/* Every entry of the literal needs a word boundary before / after it: the
 * match callback can reject candidates from the unit flags alone. */
#define DB_LIT_NEED_START 1u
#define DB_LIT_NEED_END 2u

/* One regex entry: its widest match bounds where a match can start. */
typedef struct db_regex {
    uint32_t entry;     /* entry id (increasing) */
    uint32_t max_width; /* longest match, bytes: 1..regex_max_width */
    uint32_t min_width; /* shortest match, bytes: 1..max_width */
} db_regex;

/* Ids in the start database: expression 2 x entry is `^(?:re)`, for a match
 * starting at the first byte of the text; 2 x entry + 1 is
 * `^(?s:.)(?:re')`, scanned from the character before a later start so that
 * word-boundary assertions see their context (re' has every start anchor
 * replaced by a never-matching assertion). */
#define DB_REGEX_START_ID(entry, ctx) ((entry) * 2u + (ctx))

/* One co-occurrence rule. Its parts are the entries part0 (A) and part0 + 1
 * (B); the parts of all rules are consecutive entries, rule r's at
 * first_part + 2r (checked at load), so a part's rule is found by
 * arithmetic. */
typedef struct db_rule {
    uint32_t entry;    /* the rule entry (DB_OPT_RULE), increasing */
    uint32_t part0;    /* entry id of part A; part B is part0 + 1 */
    uint8_t op;        /* DB_RULE_* */
    uint8_t reserved;
    uint16_t distance; /* NEAR: at most this many folded characters between the parts */
} db_rule;

#define DB_RULE_NEAR 1u    /* A and B within `distance` folded characters, either order */
#define DB_RULE_AND_NOT 2u /* A in the message and B nowhere in it */
#define DB_RULE_THEN 3u    /* A, and B after it, in the message */
#define DB_RULE_MAX_DISTANCE 500u

typedef struct db_category {
    uint32_t name_off;    /* identifier */
    uint32_t name_zh_off; /* display names */
    uint32_t name_en_off;
    uint8_t actions[4];   /* action for severity 1..4 */
} db_category;

/* db->spare[]: the checked scratches a load keeps (db_take_spare). */
enum { DB_SPARE_LIT, DB_SPARE_REGEX, DB_SPARE_REGEX_START, DB_SPARES };

struct screener_db {
    uint8_t *blob; /* owned */
    size_t blob_len;
    const db_header *hdr;
    fold_table fold;
    uint8_t *fold_trie; /* the unpacked SEC_TRIE the fold table reads (owned) */
    size_t fold_trie_len;
    const db_entry *entries;
    const db_lit *lits;
    const uint32_t *lit_entries;
    const db_category *cats;
    const uint32_t *sources;
    const char *strings;
    uint32_t n_entries, n_lits, n_lit_entries, n_cats, n_sources;
    uint32_t n_written; /* entries [0, n_written) are written, the rest generated */
    uint32_t max_lit_units; /* longest literal, in folded units */
    uint32_t min_lit_units; /* shortest literal, in folded units (0: no literal) */
    size_t strings_len;
    hs_database_t *hs;         /* NULL when the dictionaries hold detectors only */
    uint32_t *detector_ids;    /* entry ids of detector entries (owned) */
    uint32_t n_detectors;
    uint32_t detector_mask;    /* bit k: some entry uses detector k (DETECT_*) */
    hs_database_t *hs_regex;   /* regex entries, or NULL */
    hs_database_t *hs_regex_start; /* the same, anchored (SEC_HS_REGEX_START) */
    hs_database_t *hs_leet;    /* Latin-letter literals for the leet view, or NULL */
    hs_database_t *hs_narrow;  /* all-ASCII literals, one byte per unit (SEC_HS_NARROW), or
                                  NULL (none, or switched off by SCREENER_NARROW=off) */
    const db_regex *regexes;   /* SEC_REGEXES: n_regex of them */
    uint32_t n_regex;
    uint32_t regex_min_width;  /* shortest match of any regex entry, bytes (0: none) */
    const db_rule *rules;      /* SEC_RULES: n_rules of them */
    uint32_t n_rules;
    uint32_t first_part;       /* entry id of the first rule part */
    uint32_t n_message_rules;  /* rules decided over the whole message (AND NOT, THEN) */
    uint32_t rules_reach;      /* folded units a NEAR match and its context need */
    /* The scratches the load allocated to check the literal and regex
     * sections (hs_section_open), kept for the first screener_scratch_alloc
     * of this db, which takes them (db_take_spare: an atomic exchange, so a
     * db shared by threads hands each one out once; later scratches allocate
     * their own). Spares the first scratch one Hyperscan validation pass over
     * the database and its allocation. DB_SPARE_LIT fits the leet and narrow
     * sections too (the load grew it to check them: they share the literal
     * scratch at scan time). Freed with the db if never taken. */
    _Atomic(hs_scratch_t *) spare[DB_SPARES];
    uint64_t instance; /* unique per db object: scratches re-fit on change */
    struct handle_gen *gen; /* set while a screener_handle owns the db */
    char fingerprint_hex[33];
    int signature;            /* SCREENER_SIGNATURE_* */
    char signature_key_hex[33];
};

/*
 * Signature trailer (format.c): `compile --sign` appends it to the blob.
 * The Ed25519 signature covers every byte of the file before it (the blob
 * and the first 32 bytes of the trailer), so no byte can change unnoticed.
 * A file ends with the trailer iff its last 96 bytes start with
 * DB_SIG_MAGIC; an unsigned file is the blob alone (format unchanged).
 */
#define DB_SIG_MAGIC "SCRNSIG\x1a"
#define DB_SIG_ED25519 1u
typedef struct db_sig_trailer {
    char magic[8];
    uint32_t algorithm;    /* DB_SIG_ED25519 */
    uint32_t trailer_size; /* sizeof(db_sig_trailer) */
    uint8_t key_id[16];    /* BLAKE2b-128 of the signer's public key */
    uint8_t signature[64]; /* Ed25519 over the file's bytes [0, len - 64) */
} db_sig_trailer;
#define DB_SIG_SIGNED_PART (sizeof(db_sig_trailer) - 64)

/* 1 and a copy of the trailer at the end of file (len bytes; it need not be
 * aligned) in *out, or 0 when there is none: only the trailer's own magic
 * is read, nothing of the blob. */
int db_sig_read(const uint8_t *file, size_t len, db_sig_trailer *out);

/* Fill a trailer's fixed fields (magic, algorithm, size, key id). */
void db_sig_init(db_sig_trailer *t, const uint8_t key_id[16]);

/* What db_sig_check found (sign.c). */
typedef struct db_sig_result {
    size_t blob_len; /* the database's bytes: the file without its trailer */
    int state;       /* SCREENER_SIGNATURE_* */
    char key_hex[33];
} db_sig_result;

/* Decide which bytes of a file (len bytes) are the database. With trusted
 * keys in o: the file must end with a trailer whose Ed25519 signature
 * verifies with the trusted key of its key id, else SCREENER_E_DB_SIGNATURE
 * (nothing before the trailer is read except by the verification). Without:
 * a trailer is stripped when the blob's header agrees (trusted input). */
int db_sig_check(const uint8_t *file, size_t len, const screener_load_options *o,
                 const char *name, db_sig_result *res, screener_error **err_out);

/* The section table (format.c): the writer and the reader both use it. */
typedef struct db_section_def {
    const char *name;
    size_t elem; /* element size in bytes; 0: count is the byte length */
} db_section_def;
extern const db_section_def db_sections[SEC_COUNT];

/*
 * The packed fold trie section (pack.c, format 8). db_pack packs raw_len
 * bytes (a multiple of 4, at most DB_PACK_MAX_RAW) into a new buffer
 * (mem_malloc): SCREENER_OK, SCREENER_E_NOMEM or SCREENER_E_INVALID_ARGUMENT.
 * db_unpack checks and unpacks a stored section into a new buffer of the
 * recorded size (4-byte aligned, mem_malloc): SCREENER_OK, SCREENER_E_NOMEM,
 * or SCREENER_E_DB_FORMAT with *why saying what was wrong. It never reads
 * outside in[0, in_len), never writes outside the buffer, allocates at most
 * the recorded size (<= DB_PACK_MAX_RAW) and runs in time linear in the
 * recorded size plus in_len.
 */
#define DB_PACK_WORDLZ 0x315a4c57u /* "WLZ1" */
/* A FAST trie with 32-bit values is at most 16 + 2 x 0xFFFF index bytes +
 * 4 x 0xFFFFF data bytes (about 4.1 MiB): twice that is plenty. */
#define DB_PACK_MAX_RAW (8u << 20)
int db_pack(const void *raw, size_t raw_len, uint8_t **out, size_t *out_len);
int db_unpack(const uint8_t *in, size_t in_len, uint8_t **raw_out, size_t *raw_len_out,
              const char **why);

/* What the writer needs besides the sections. */
typedef struct db_meta {
    uint32_t fold_flags;
    uint32_t regex_max_width;
    uint8_t fingerprint[16];
    int trie_stored; /* 1: sec[SEC_TRIE] is a stored (packed) section, written as it
                        is (tests that re-write a blob's sections); 0: raw, packed here */
} db_meta;

/* One section's contents: count elements (bytes when elem is 0). */
typedef struct db_section_data {
    const void *data;
    size_t count;
} db_section_data;

/* Write header and sections into a new sealed blob (malloc'ed). sec[SEC_TRIE]
 * holds the raw ucptrie_toBinary bytes, which the writer packs (db_pack),
 * unless meta->trie_stored.
 * Returns SCREENER_OK, SCREENER_E_NOMEM or SCREENER_E_INVALID_ARGUMENT (a
 * trie db_pack cannot take). */
int db_write_blob(const db_meta *meta, const db_section_data sec[SEC_COUNT], uint8_t **blob_out,
                  size_t *len_out);

/* 1 if section k of the header lies inside a blob of len bytes, is 8-aligned
 * when it has bytes, and its count matches its length. */
int db_section_ok(const db_header *h, size_t len, int k);

/*
 * Build a db over blob, taking ownership of it (freed on failure too).
 * Verifies everything first; see screener_db_deserialize().
 */
int db_open_blob(uint8_t *blob, size_t len, const char *name, screener_db **db_out,
                 screener_error **err_out);

/* The scratch the load allocated for section k (DB_SPARE_*) when nobody has
 * taken it yet, else NULL; the caller owns what it gets. Thread-safe. */
hs_scratch_t *db_take_spare(const struct screener_db *db, int k);

/* The written entry a generated entry comes from (the written entry with its
 * source and line; written entries are in (source, line) order), or id
 * itself for a written entry. O(log n). The reader checked that it exists. */
uint32_t db_entry_parent(const struct screener_db *db, uint32_t id);

/*
 * The dictionary fingerprint (XXH3-128, header field): fold flags, each
 * category's actions, then per entry its folded units (none for detectors
 * and regexes), category name, severity, public flags, detector, options and
 * (generated entries) reason. The
 * compiler feeds it while building; the loader recomputes it from the
 * entries (folding each term through the file's own table) and refuses a
 * file whose header claims another.
 */
struct XXH3_state_s;
void db_fp_begin(struct XXH3_state_s *fp, uint32_t fold_flags);
void db_fp_category(struct XXH3_state_s *fp, const uint8_t actions[4]);
void db_fp_entry(struct XXH3_state_s *fp, const uint16_t *units, uint32_t n_units,
                 const char *category, uint8_t severity, uint8_t flags, uint8_t detector,
                 uint8_t options, const char *reason);
/* The bytes db_fp_entry hashes, written to out: their length, or 0 when
 * they need more than cap (then hash with db_fp_entry). */
size_t db_fp_entry_record(uint8_t *out, size_t cap, const uint16_t *units, uint32_t n_units,
                          const char *category, uint8_t severity, uint8_t flags,
                          uint8_t detector, uint8_t options, const char *reason);
/* The rule of a rule entry (DB_OPT_RULE), or NULL: binary search over the
 * rules, which are in entry order. O(log n). */
const db_rule *db_rule_of_entry(const struct screener_db *db, uint32_t entry_id);

/* A rule, after all entries (rules in entry order). */
void db_fp_rule(struct XXH3_state_s *fp, const db_rule *r);
void db_fp_end(struct XXH3_state_s *fp, uint8_t out[16]);

/* Fill the header's checksum field for a finished blob. */
void db_seal(uint8_t *blob, size_t len);

/* Record in a database just compiled (not yet shared) the views its
 * matchers read, which only the scan layer can tell, and re-seal it. */
void db_record_views(screener_db *db, uint32_t view_bits);

#endif
