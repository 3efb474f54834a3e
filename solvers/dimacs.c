/*
 * dimacs.c -- DIMACS min-cost flow reader and writer, and `mycosim solve`.
 *
 * The reader is a single pass over lines (getline), splitting each on
 * whitespace. The problem line fixes the sizes, so the arrays are allocated
 * once; every later line is checked against them. The first error stops the
 * read with "name:line: what is wrong" in the caller's buffer and frees
 * everything (no partial result). O(file size) time, O(n + m) memory.
 *
 * Accepted values are integers with |v| <= 2^52 (so that sums of a few of
 * them and the network simplex's big-M stay exact in int64), and "inf" as a
 * capacity.
 */
#include "dimacs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netsimplex.h"

enum { DIMACS_MAX_TOKENS = 8 };

#define DIMACS_VALUE_MAX (INT64_C(1) << 52)
#define DIMACS_COUNT_MAX (INT64_C(1) << 30)

static mcf_status dimacs_fail(char *err, size_t len, mcf_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The one place read errors are formatted (a breakpoint for all of them). */
static mcf_status dimacs_fail(char *err, size_t len, mcf_status st, const char *fmt, ...)
{
    if (err != NULL && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Split line in place into at most max tokens; returns the count, or max + 1 if more. */
static int dimacs_split(char *line, char **tok, int max)
{
    int nt = 0;
    char *s = line;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' || *s == '\v') {
            s++;
        }
        if (*s == '\0') {
            return nt;
        }
        if (nt == max) {
            return max + 1;
        }
        tok[nt++] = s;
        while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n'
               && *s != '\f' && *s != '\v') {
            s++;
        }
        if (*s != '\0') {
            *s++ = '\0';
        }
    }
}

/* Parse a whole token as an integer in [lo, hi]; 0 on success. */
static int dimacs_int(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || x < lo || x > hi) {
        return -1;
    }
    *v = (int64_t)x;
    return 0;
}

/* Shorten a token for messages. */
static const char *dimacs_show(const char *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s);
    if (strlen(s) >= len && len > 4) {
        memcpy(buf + len - 4, "...", 4);
    }
    return buf;
}

mcf_status dimacs_read(FILE *f, const char *name, mcf_problem **out, char *err, size_t err_len)
{
    mcf_status st = MCF_OPTIMAL;
    mcf_problem *p = NULL;
    uint8_t *seen = NULL;       /* node has had an n line */
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    uint32_t arcs = 0;
    char show[40];
    char *tok[DIMACS_MAX_TOKENS];

    *out = NULL;
    for (;;) {
        errno = 0;
        ssize_t got = getline(&line, &cap, f);
        if (got < 0) {
            if (ferror(f)) {
                st = dimacs_fail(err, err_len, MCF_EIO, "%s:%ld: read error: %s", name,
                                 lineno + 1, strerror(errno));
                goto done;
            }
            break;
        }
        lineno++;
        if ((size_t)got != strlen(line)) {
            st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: NUL byte in line", name, lineno);
            goto done;
        }
        int nt = dimacs_split(line, tok, DIMACS_MAX_TOKENS);
        if (nt == 0 || tok[0][0] == 'c') {
            if (nt > 0 && tok[0][1] != '\0') {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: unknown line type '%s' (expected c, p, n or a)",
                                 name, lineno, dimacs_show(tok[0], show, sizeof show));
                goto done;
            }
            continue;
        }
        if (strcmp(tok[0], "p") == 0) {
            int64_t nn, mm;
            if (p != NULL) {
                st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: second problem line", name, lineno);
                goto done;
            }
            if (nt != 4) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: problem line: expected 'p min NODES ARCS'", name, lineno);
                goto done;
            }
            if (strcmp(tok[1], "min") != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: problem type '%s' is not 'min'", name, lineno,
                                 dimacs_show(tok[1], show, sizeof show));
                goto done;
            }
            if (dimacs_int(tok[2], 1, DIMACS_COUNT_MAX, &nn) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: node count: expected an integer in 1..%" PRId64 ", got '%s'",
                                 name, lineno, DIMACS_COUNT_MAX, dimacs_show(tok[2], show, sizeof show));
                goto done;
            }
            if (dimacs_int(tok[3], 0, DIMACS_COUNT_MAX, &mm) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc count: expected an integer in 0..%" PRId64 ", got '%s'",
                                 name, lineno, DIMACS_COUNT_MAX, dimacs_show(tok[3], show, sizeof show));
                goto done;
            }
            p = mcf_problem_new((uint32_t)nn, (uint32_t)mm);
            seen = calloc((size_t)nn, 1);
            if (p == NULL || seen == NULL) {
                st = dimacs_fail(err, err_len, MCF_ENOMEM,
                                 "%s:%ld: cannot allocate %" PRId64 " nodes and %" PRId64 " arcs",
                                 name, lineno, nn, mm);
                goto done;
            }
            continue;
        }
        if (strcmp(tok[0], "n") == 0) {
            int64_t id, sup;
            if (p == NULL) {
                st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: node line before the problem line",
                                 name, lineno);
                goto done;
            }
            if (nt != 3) {
                st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: node line: expected 'n ID FLOW'",
                                 name, lineno);
                goto done;
            }
            if (dimacs_int(tok[1], 1, p->n, &id) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: node id '%s' is not in 1..%" PRIu32, name, lineno,
                                 dimacs_show(tok[1], show, sizeof show), p->n);
                goto done;
            }
            if (dimacs_int(tok[2], -DIMACS_VALUE_MAX, DIMACS_VALUE_MAX, &sup) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: node supply: expected an integer with |v| <= 2^52, got '%s'",
                                 name, lineno, dimacs_show(tok[2], show, sizeof show));
                goto done;
            }
            if (seen[id - 1]) {
                st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: second node line for node %" PRId64,
                                 name, lineno, id);
                goto done;
            }
            seen[id - 1] = 1;
            p->supply[id - 1] = sup;
            continue;
        }
        if (strcmp(tok[0], "a") == 0) {
            int64_t s, t, lo, hi, c;
            if (p == NULL) {
                st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: arc line before the problem line",
                                 name, lineno);
                goto done;
            }
            if (nt != 6) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc line: expected 'a SRC DST LOW CAP COST'", name, lineno);
                goto done;
            }
            if (arcs == p->m) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: more arc lines than the %" PRIu32 " declared", name, lineno, p->m);
                goto done;
            }
            for (int k = 1; k <= 2; k++) {
                if (dimacs_int(tok[k], 1, p->n, k == 1 ? &s : &t) != 0) {
                    st = dimacs_fail(err, err_len, MCF_EINPUT,
                                     "%s:%ld: arc %s '%s' is not in 1..%" PRIu32, name, lineno,
                                     k == 1 ? "tail" : "head", dimacs_show(tok[k], show, sizeof show), p->n);
                    goto done;
                }
            }
            if (dimacs_int(tok[3], -DIMACS_VALUE_MAX, DIMACS_VALUE_MAX, &lo) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc lower bound: expected an integer with |v| <= 2^52, got '%s'",
                                 name, lineno, dimacs_show(tok[3], show, sizeof show));
                goto done;
            }
            if (strcmp(tok[4], "inf") == 0) {
                hi = MCF_INF;
            } else if (dimacs_int(tok[4], -DIMACS_VALUE_MAX, DIMACS_VALUE_MAX, &hi) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc capacity: expected an integer with |v| <= 2^52 or 'inf', got '%s'",
                                 name, lineno, dimacs_show(tok[4], show, sizeof show));
                goto done;
            }
            if (dimacs_int(tok[5], -DIMACS_VALUE_MAX, DIMACS_VALUE_MAX, &c) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc cost: expected an integer with |v| <= 2^52, got '%s'",
                                 name, lineno, dimacs_show(tok[5], show, sizeof show));
                goto done;
            }
            if (lo > hi) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc lower bound %" PRId64 " exceeds its capacity %" PRId64,
                                 name, lineno, lo, hi);
                goto done;
            }
            p->tail[arcs] = (uint32_t)(s - 1);
            p->head[arcs] = (uint32_t)(t - 1);
            p->lower[arcs] = lo;
            p->cap[arcs] = hi;
            p->cost[arcs] = c;
            arcs++;
            continue;
        }
        st = dimacs_fail(err, err_len, MCF_EINPUT,
                         "%s:%ld: unknown line type '%s' (expected c, p, n or a)", name, lineno,
                         dimacs_show(tok[0], show, sizeof show));
        goto done;
    }
    if (p == NULL) {
        st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: no problem line 'p min NODES ARCS'",
                         name, lineno);
        goto done;
    }
    if (arcs != p->m) {
        st = dimacs_fail(err, err_len, MCF_EINPUT,
                         "%s:%ld: %" PRIu32 " arc lines, but the problem line declared %" PRIu32,
                         name, lineno, arcs, p->m);
        goto done;
    }
    *out = p;
    p = NULL;
done:
    mcf_problem_free(p);
    free(seen);
    free(line);
    return st;
}

mcf_status dimacs_read_file(const char *path, mcf_problem **out, char *err, size_t err_len)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        /* A file that cannot be opened is bad input (exit 2), as for `mycosim run`. */
        return dimacs_fail(err, err_len, MCF_EINPUT, "%s: %s", path, strerror(errno));
    }
    mcf_status st = dimacs_read(f, path, out, err, err_len);
    fclose(f);
    return st;
}

mcf_status dimacs_write(FILE *f, const mcf_problem *p, const char *comment)
{
    if (comment != NULL) {
        const char *s = comment;
        while (*s != '\0') {
            size_t len = strcspn(s, "\n");
            fprintf(f, "c %.*s\n", (int)len, s);
            s += len;
            if (*s == '\n') {
                s++;
            }
        }
    }
    fprintf(f, "p min %" PRIu32 " %" PRIu32 "\n", p->n, p->m);
    for (uint32_t v = 0; v < p->n; v++) {
        if (p->supply[v] != 0) {
            fprintf(f, "n %" PRIu32 " %" PRId64 "\n", v + 1, p->supply[v]);
        }
    }
    for (uint32_t e = 0; e < p->m; e++) {
        if (p->cap[e] == MCF_INF) {
            fprintf(f, "a %" PRIu32 " %" PRIu32 " %" PRId64 " inf %" PRId64 "\n",
                    p->tail[e] + 1, p->head[e] + 1, p->lower[e], p->cost[e]);
        } else {
            fprintf(f, "a %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
                    p->tail[e] + 1, p->head[e] + 1, p->lower[e], p->cap[e], p->cost[e]);
        }
    }
    return ferror(f) ? MCF_EIO : MCF_OPTIMAL;
}

int dimacs_solve_main(const char *path, int flows, FILE *out, FILE *err)
{
    char msg[512];
    mcf_problem *p = NULL;
    ns *w = NULL;
    int rc = 1;
    mcf_status st = dimacs_read_file(path, &p, msg, sizeof msg);
    if (st != MCF_OPTIMAL) {
        fprintf(err, "mycosim: %s\n", msg);
        return st == MCF_EINPUT ? 2 : 1;
    }
    w = ns_alloc(p->n, p->m);
    if (w == NULL) {
        fprintf(err, "mycosim: %s: out of memory\n", path);
        goto done;
    }
    st = ns_load(w, p);
    if (st == MCF_OPTIMAL) {
        st = ns_solve(w);
    }
    if (st == MCF_INFEASIBLE || st == MCF_UNBOUNDED) {
        fprintf(out, "%s\n", st == MCF_INFEASIBLE ? "infeasible" : "unbounded");
        goto done;
    }
    int64_t cost = 0;
    if (st == MCF_OPTIMAL) {
        st = ns_total_cost(w, &cost);
    }
    if (st != MCF_OPTIMAL) {
        fprintf(err, "mycosim: %s: %s\n", path, mcf_status_name(st));
        rc = (st == MCF_EINPUT || st == MCF_ERANGE) ? 2 : 1;
        goto done;
    }
    fprintf(out, "cost %" PRId64 "\n", cost);
    if (flows) {
        for (uint32_t e = 0; e < p->m; e++) {
            int64_t x = ns_flow(w, e);
            if (x != 0) {
                fprintf(out, "f %" PRIu32 " %" PRIu32 " %" PRId64 "\n", p->tail[e] + 1, p->head[e] + 1, x);
            }
        }
    }
    rc = (fflush(out) == 0 && !ferror(out)) ? 0 : 1;
done:
    ns_free(w);
    mcf_problem_free(p);
    return rc;
}
