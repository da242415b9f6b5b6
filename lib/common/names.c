/*
 * names.c — the name tables (see names.h) and the public functions that
 * enumerate and parse them.
 */
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "screener.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the tables ---------------------------------------------------------- */

static const name_entry fold_families[] = {
    {"compat", SCREENER_FOLD_COMPAT, "NFKC: full-width, circled, Kangxi radicals, ligatures"},
    {"case", SCREENER_FOLD_CASE, "case folding"},
    {"traditional", SCREENER_FOLD_TRADITIONAL, "traditional -> simplified Chinese, per character"},
    {"accents", SCREENER_FOLD_ACCENTS, "drop Latin/Greek/Cyrillic combining accents"},
    {"noise", SCREENER_FOLD_NOISE, "drop spaces, punctuation, symbols, emoji, zero-width"},
    {"homoglyph", SCREENER_FOLD_HOMOGLYPH, "Cyrillic/Greek/other look-alike letters -> ASCII"},
    {"repeats", SCREENER_FOLD_REPEATS, "stretched letters: fuuuuck matches fuck (runs of 3+)"},
    {"leet", SCREENER_FOLD_LEET, "leetspeak: sh1t, a$s, @ss, f 4 c k, f u u u c k (Latin terms)"},
};

static const name_entry detectors[] = {
    {"cn_mobile", DETECT_CN_MOBILE, "11-digit mainland mobile numbers"},
    {"cn_id", DETECT_CN_ID, "18-character resident ID numbers (date and check character)"},
    {"bank_card", DETECT_BANK_CARD, "16-19 digits passing the Luhn check"},
    {"email", DETECT_EMAIL, "e-mail addresses (local@domain.tld)"},
    {"url", DETECT_URL, "links: scheme or www. prefixes, bare domains with a common TLD"},
};

static const name_entry actions[] = {
    {"pass", SCREENER_ACTION_PASS, "nothing to do"},
    {"review", SCREENER_ACTION_REVIEW, "let through, queue for a moderator"},
    {"mask", SCREENER_ACTION_MASK, "replace the matched spans"},
    {"block", SCREENER_ACTION_BLOCK, "reject the message"},
};

static const name_entry forms[] = {
    {"s", FORM_S, "plural and third person: -s, -es, consonant+y -> -ies"},
    {"ed", FORM_ED, "past tense: -ed, -d after e, -ied, doubled final consonant"},
    {"ing", FORM_ING, "-ing: drops a silent e, ie -> ying, doubled final consonant"},
    {"er", FORM_ER, "-er and its plural -ers, same spelling rules"},
    {"y", FORM_Y, "adjective -y: drops a silent e, doubled final consonant (shitty)"},
    {"english", FORM_ENGLISH, "all English inflections: s, ed, ing, er, y"},
    {"a", FORM_A, "coded spelling of a slur ending in -er: -a, -ah, -uh and their plurals"},
    {"double", FORM_DOUBLE, "coded spelling: one single letter written twice (biitch)"},
    {"drop", FORM_DROP, "coded spelling: one doubled letter written once (fagot)"},
    {"pinyin", FORM_PINYIN, "full pinyin of a Chinese term: falungong, fa lun gong, fa3lun2gong1"},
    {"initials", FORM_INITIALS, "pinyin initials of a Chinese term of 3+ characters: flg"},
    {"mixed", FORM_MIXED, "characters and pinyin mixed: 法lun功"},
    {"homophone", FORM_HOMOPHONE, "one character replaced by a frequent homophone (3+ characters)"},
    {"split", FORM_SPLIT, "characters written as their components side by side: 弓虽奸 (2+ characters)"},
    {"chinese", FORM_CHINESE, "all Chinese forms: pinyin, initials, mixed, homophone, split"},
    {"none", 0, "no generated forms"},
};

/* Platform link wrappers (SCREENER_REGION_LINK_WRAPPERS): hosts whose links
 * a platform writes itself, in place of every link a poster writes or of
 * attached media, with an opaque code as the path. Not here: shorteners a
 * poster chooses (bit.ly, tinyurl.com: spam uses them, so they are signal)
 * and wrappers that carry the destination in the query (l.facebook.com,
 * safelinks.protection.outlook.com: the destination is the poster's).
 * Lowercase; a subdomain of a host matches too. docs/regions.md lists them
 * with their platforms; keep the region description below in step (a test
 * checks it names every host). */
static const name_entry link_wrappers[] = {
    {"t.co", 0, "X/Twitter: every link in a post"},
    {"t.cn", 0, "Sina Weibo: every link in a post"},
    {"lnkd.in", 0, "LinkedIn: links in posts"},
    {"pic.twitter.com", 0, "X/Twitter: attached media, written in the text"},
};

static const name_entry regions[] = {
    {"mentions", SCREENER_REGION_MENTIONS,
     "@handle mentions (also full-width) and their RT prefix: `RT @user`"},
    {"link-wrappers", SCREENER_REGION_LINK_WRAPPERS,
     "links the platform writes itself: t.co, t.cn, lnkd.in, pic.twitter.com"},
};

const name_table names_fold_families = {fold_families, COUNT(fold_families), "fold family"};
const name_table names_regions = {regions, COUNT(regions), "region kind"};
const name_table names_link_wrappers = {link_wrappers, COUNT(link_wrappers), "link wrapper"};
const name_table names_detectors = {detectors, COUNT(detectors), "detector"};
const name_table names_actions = {actions, COUNT(actions), "action"};
const name_table names_forms = {forms, COUNT(forms), "generated-form rule"};

/* ---- internal lookups ---------------------------------------------------- */

int names_find(const name_table *t, const char *s, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->entries[i].name) == len && memcmp(t->entries[i].name, s, len) == 0)
            return (int)t->entries[i].value;
    return -1;
}

const char *names_name(const name_table *t, uint32_t value)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->entries[i].value == value)
            return t->entries[i].name;
    return NULL;
}

char *names_list(const name_table *t, char *buf, size_t cap)
{
    size_t used = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < t->n && used < cap; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", t->entries[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* ---- public API ---------------------------------------------------------- */

SCREENER_API const char *screener_fold_family_name(unsigned i, uint32_t *flag_out)
{
    if (i >= names_fold_families.n)
        return NULL;
    if (flag_out)
        *flag_out = fold_families[i].value;
    return fold_families[i].name;
}

SCREENER_API const char *screener_fold_family_description(unsigned i)
{
    return i < names_fold_families.n ? fold_families[i].description : NULL;
}

SCREENER_API const char *screener_detector_name(unsigned i)
{
    return i < names_detectors.n ? detectors[i].name : NULL;
}

SCREENER_API const char *screener_action_name(int action)
{
    const char *name = action < 0 ? NULL : names_name(&names_actions, (uint32_t)action);
    return name ? name : "unknown";
}

SCREENER_API const char *screener_region_name(unsigned i, uint32_t *flag_out)
{
    if (i >= names_regions.n)
        return NULL;
    if (flag_out)
        *flag_out = regions[i].value;
    return regions[i].name;
}

SCREENER_API const char *screener_region_description(unsigned i)
{
    return i < names_regions.n ? regions[i].description : NULL;
}

/* A flag list ("case,compat", "mentions"): names of table t, "all" (every
 * flag: `all`) and "none" alone (no flag). Returns SCREENER_OK with the
 * flags | explicit in *flags_out, or an error naming the bad item. */
static int list_error(screener_error **err_out, const name_table *t, int empty, const char *s,
                      size_t n)
{
    char known[160], ex[100];
    names_list(t, known, sizeof known);
    return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                   "%s %s%s `%s` (known: %s; or all, or none alone)",
                   empty ? "empty item in" : "unknown", t->what, empty ? " list" : "",
                   err_excerpt(ex, sizeof ex, s, n), known);
}

static int parse_flag_list(const name_table *t, uint32_t all, uint32_t explicit_bit,
                           const char *list, uint32_t *flags_out, screener_error **err_out)
{
    if (err_out)
        *err_out = NULL;
    if (!list || !flags_out)
        return err_set(err_out, SCREENER_E_INVALID_ARGUMENT, NULL, 0,
                       "%s list and flags_out must not be NULL", t->what);
    uint32_t flags = explicit_bit;
    if (strcmp(list, "none") != 0) {
        const char *s = list;
        for (;;) {
            size_t n = strcspn(s, ",");
            size_t b = 0, e = n;
            while (b < e && s[b] == ' ')
                b++;
            while (e > b && s[e - 1] == ' ')
                e--;
            if (e == b)
                return list_error(err_out, t, 1, list, strlen(list));
            int v = e - b == 3 && memcmp(s + b, "all", 3) == 0 ? (int)all
                                                                : names_find(t, s + b, e - b);
            if (v <= 0)
                return list_error(err_out, t, 0, s + b, e - b);
            flags |= (uint32_t)v;
            if (s[n] == '\0')
                break;
            s += n + 1;
        }
    }
    *flags_out = flags;
    return SCREENER_OK;
}

SCREENER_API int screener_fold_flags_parse(const char *list, uint32_t *flags_out,
                                           screener_error **err_out)
{
    return parse_flag_list(&names_fold_families, SCREENER_FOLD_ALL, SCREENER_FOLD_EXPLICIT, list,
                           flags_out, err_out);
}

SCREENER_API int screener_regions_parse(const char *list, uint32_t *flags_out,
                                        screener_error **err_out)
{
    return parse_flag_list(&names_regions, SCREENER_REGION_ALL, SCREENER_REGION_EXPLICIT, list,
                           flags_out, err_out);
}
