/*
 * detect.c — built-in private-information detectors (see detect.h).
 */
#include "detect.h"

#include <string.h>

static int is_digit(uint16_t u)
{
    return u >= '0' && u <= '9';
}

int detect_is_cn_mobile(const uint16_t *d, size_t n)
{
    return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

int detect_is_cn_id(const uint16_t *d, size_t n)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[11] = {'1', '0', 'x', '9', '8', '7', '6', '5', '4', '3', '2'};
    if (n != 18)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(d[i]))
            return 0;
        sum += (d[i] - '0') * weight[i];
    }
    uint16_t last = d[17] == 'X' ? 'x' : d[17];
    if (last != (uint16_t)check[sum % 11])
        return 0;
    /* date of birth YYYYMMDD at offset 6: a plausible calendar date */
    int year = 0, month = 0, day = 0;
    for (int i = 6; i < 10; i++)
        year = year * 10 + (d[i] - '0');
    month = (d[10] - '0') * 10 + (d[11] - '0');
    day = (d[12] - '0') * 10 + (d[13] - '0');
    return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int detect_is_luhn(const uint16_t *d, size_t n)
{
    if (n < 16 || n > 19)
        return 0;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

size_t detect_min_digits(int kind)
{
    return kind == DETECT_CN_MOBILE ? 11 : kind == DETECT_CN_ID ? 17 : 16;
}

size_t detect_min_len(int kind)
{
    /* e-mail: a local character, '@', a label, '.', a TLD of 2 letters; link:
     * "www." or two labels with a TLD of 2 letters (each element of a match
     * is an ASCII byte of the view: detect_text's reading) */
    if (kind == DETECT_EMAIL)
        return 6;
    if (kind == DETECT_URL)
        return 4;
    return detect_min_digits(kind);
}

size_t detect_longest_digits(const uint16_t *units, size_t n)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = is_digit(units[i]) ? run + 1 : 0;
        best = run > best ? run : best;
    }
    return best;
}

void detect_run(int kind, const uint16_t *units, size_t n,
                void (*found)(void *ctx, size_t start, size_t end), void *ctx)
{
    size_t i = 0;
    while (i < n) {
        if (!is_digit(units[i])) {
            i++;
            continue;
        }
        size_t b = i;
        while (i < n && is_digit(units[i]))
            i++;
        size_t e = i;
        /* an ID number may end in X (folded to x) */
        if (kind == DETECT_CN_ID && e - b == 17 && e < n && (units[e] == 'x' || units[e] == 'X'))
            e++;
        int ok = kind == DETECT_CN_MOBILE ? detect_is_cn_mobile(units + b, e - b)
               : kind == DETECT_CN_ID     ? detect_is_cn_id(units + b, e - b)
                                          : detect_is_luhn(units + b, e - b);
        if (ok)
            found(ctx, b, e);
        i = e > i ? e : i;
    }
}

/* ---- text detectors ------------------------------------------------------- */

static int is_alnum_l(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_local_l(uint32_t c)
{
    return is_alnum_l(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

int detect_url_char(uint32_t c)
{
    return is_alnum_l(c) || (c > 0x20 && c < 0x7F && strchr("-._~:/?#[]@!$&'()*+,;=%", (int)c));
}

/* Parse a domain at l[i..): labels of [a-z0-9-] separated by single dots,
 * at least two labels, the last all letters (2+). Returns the end index (0 if
 * none) and the start of the last label in *tld. */
static size_t parse_domain(const light_char *l, size_t m, size_t i, size_t *tld)
{
    size_t labels = 0, last = i, e = i;
    if (m - i > DETECT_DOMAIN_MAX)
        m = i + DETECT_DOMAIN_MAX; /* a domain has at most 253 characters */
    while (e < m) {
        size_t b = e;
        while (e < m && (is_alnum_l(l[e].c) || l[e].c == '-'))
            e++;
        if (e == b)
            break;
        labels++;
        last = b;
        if (e + 1 < m && l[e].c == '.' && (is_alnum_l(l[e + 1].c)))
            e++;
        else
            break;
    }
    if (labels < 2 || e - last < 2)
        return 0;
    for (size_t k = last; k < e; k++)
        if (!(l[k].c >= 'a' && l[k].c <= 'z'))
            return 0;
    *tld = last;
    return e;
}

static int tld_is_common(const light_char *l, size_t b, size_t e)
{
    static const char *const tlds[] = {"com", "cn", "net", "org", "info", "top", "xyz", "io",
                                       "me", "cc", "co", "vip", "club", "site", "online",
                                       "shop", "app", "tv", "hk", "tw", "biz", "link", "ly",
                                       "gl", "ru", "uk", "jp", "us", "de", "edu", "gov"};
    for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++) {
        size_t n = strlen(tlds[t]);
        if (n != e - b)
            continue;
        size_t k = 0;
        while (k < n && l[b + k].c == (uint32_t)tlds[t][k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static int starts_with(const light_char *l, size_t m, size_t i, const char *p)
{
    for (size_t k = 0; p[k]; k++)
        if (i + k >= m || l[i + k].c != (uint32_t)p[k])
            return 0;
    return 1;
}

static void detect_email(const light_char *l, size_t m,
                         void (*found)(void *, size_t, size_t), void *ctx)
{
    for (size_t j = 1; j + 1 < m; j++) {
        if (l[j].c != '@')
            continue;
        size_t k = j;
        while (k > 0 && j - k < DETECT_LOCAL_MAX && is_local_l(l[k - 1].c))
            k--;
        while (k < j && l[k].c == '.')
            k++;
        if (k == j)
            continue;
        size_t tld, e = parse_domain(l, m, j + 1, &tld);
        if (e)
            found(ctx, l[k].b0, l[e - 1].b0);
    }
}

size_t detect_char_ref(uint32_t (*at)(const void *seq, size_t i), const void *seq, size_t n,
                       size_t i)
{
    if (i + 3 >= n || at(seq, i) != '&' || at(seq, i + 1) != '#')
        return 0;
    size_t j = i + 2;
    int hex = at(seq, j) == 'x';
    j += (size_t)hex;
    size_t d = j;
    for (uint32_t c; j < n && j - d < 8 && (c = at(seq, j), (c >= '0' && c <= '9') ||
                                                (hex && c >= 'a' && c <= 'f'));)
        j++;
    return j > d && j < n && at(seq, j) == ';' ? j + 1 - i : 0;
}

static uint32_t light_at(const void *seq, size_t i)
{
    return ((const light_char *)seq)[i].c;
}

/* End of the link path starting at element e: URL characters up to the
 * limit, not into a numeric character reference. */
static size_t url_path_end(const light_char *l, size_t m, size_t i, size_t e)
{
    while (e < m && e - i < DETECT_URL_MAX && detect_url_char(l[e].c) &&
           !(l[e].c == '&' && detect_char_ref(light_at, l, m, e)))
        e++;
    return e;
}

static void detect_url(const light_char *l, size_t m,
                       void (*found)(void *, size_t, size_t), void *ctx)
{
    size_t i = 0;
    while (i < m) {
        /* a token starts where no URL character precedes */
        if (!is_alnum_l(l[i].c) || (i > 0 && detect_url_char(l[i - 1].c))) {
            i++;
            continue;
        }
        size_t e = 0;
        if (starts_with(l, m, i, "http://") || starts_with(l, m, i, "https://") ||
            starts_with(l, m, i, "www.")) {
            e = url_path_end(l, m, i, i);
        } else {
            size_t tld, d = parse_domain(l, m, i, &tld);
            if (d && tld_is_common(l, tld, d) && !(d < m && l[d].c == '@')) {
                e = d;
                if (e < m && l[e].c == '/')
                    e = url_path_end(l, m, i, e);
            }
        }
        if (e) {
            while (e > i && strchr(".,;:!?)'", (int)l[e - 1].c))
                e--; /* sentence punctuation after a link */
            found(ctx, l[i].b0, l[e - 1].b0);
            i = e;
        } else {
            i++;
        }
    }
}

/* 1 if byte c occurs in view[0..n) followed by a [a-z0-9] byte. */
static int byte_then_alnum(const uint8_t *view, size_t n, uint8_t c)
{
    const uint8_t *p = view, *end = view + n;
    while ((p = memchr(p, c, (size_t)(end - p))) && ++p < end)
        if (is_alnum_l(*p))
            return 1;
    return 0;
}

/* 1 if some '@' in view[0..n) is followed by a domain's first label and
 * the '.' and letter or digit that start its next one (parse_domain needs
 * two labels): "@user" mentions are not. */
static int at_then_domain(const uint8_t *view, size_t n)
{
    const uint8_t *p = view, *end = view + n;
    while ((p = memchr(p, '@', (size_t)(end - p))) && ++p < end) {
        const uint8_t *q = p;
        while (q < end && (is_alnum_l(*q) || *q == '-'))
            q++;
        if (q > p && q + 1 < end && *q == '.' && is_alnum_l(q[1]))
            return 1;
    }
    return 0;
}

/* 1 if the k bytes of pat occur in view[0..n). */
static int has_bytes(const uint8_t *view, size_t n, const char *pat, size_t k)
{
    for (const uint8_t *p = view, *end = view + n;
         (p = memchr(p, pat[0], (size_t)(end - p))) != NULL; p++)
        if ((size_t)(end - p) >= k && memcmp(p, pat, k) == 0)
            return 1;
    return 0;
}

int detect_text_possible(int kind, const uint8_t *view, size_t n)
{
    /* an address: '@' then a domain of two labels at least; a link: a
     * scheme (':' then '/'), "www." or a domain's '.' then a label. Adjacent
     * in the reading means adjacent in the view (the reading only adds
     * separator elements). */
    if (kind == DETECT_EMAIL)
        return at_then_domain(view, n);
    if (kind != DETECT_URL)
        return 0;
    return byte_then_alnum(view, n, '.') || has_bytes(view, n, "www.", 4) ||
           has_bytes(view, n, ":/", 2);
}

void detect_text(int kind, const light_char *l, size_t m,
                 void (*found)(void *ctx, size_t b0, size_t last), void *ctx)
{
    if (kind == DETECT_EMAIL)
        detect_email(l, m, found, ctx);
    else if (kind == DETECT_URL)
        detect_url(l, m, found, ctx);
}
