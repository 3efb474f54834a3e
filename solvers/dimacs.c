/*
 * dimacs.c -- DIMACS min-cost flow reader and writer, and `mycosim solve`.
 *
 * The reader is a single pass over lines of at most DIMACS_LINE_MAX bytes
 * (read into a fixed buffer: a longer line, a NUL byte or a read error
 * stops at once, so /dev/zero or a binary file cannot make it grow),
 * splitting each on whitespace. The problem line fixes the sizes, range
 * checked before anything is allocated (MCF_NODES_MAX, MCF_ARCS_MAX); node
 * arrays are allocated then, arc arrays grow by doubling as arc lines come,
 * so memory follows the file and never passes what the problem line
 * declares. Every later line is checked against the sizes. The first error
 * stops the read with "name:line: what is wrong" in the caller's buffer and
 * frees everything (no partial result). O(file size) time, O(n + m) memory.
 *
 * Accepted values are integers with |v| <= MCF_VALUE_MAX = 2^52, and "inf"
 * as a capacity; the flow total (mcf.h: sum |supply| + 2 |lower| + finite
 * cap - lower) must stay <= MCF_TOTAL_MAX = 2^61, checked line by line with
 * the line that passes it named. So whatever the reader accepts, ns_load
 * accepts, and every pivot of the network simplex is exact in int64; the
 * optimum itself may still be outside int64 (dimacs_solve_main says so).
 */
#include "dimacs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netsimplex.h"

enum { DIMACS_MAX_TOKENS = 8 };

#define DIMACS_VALUE_MAX MCF_VALUE_MAX

/* Arc arrays start with this many slots and double (up to the declared count). */
enum { DIMACS_ARCS_FIRST = 4096 };

/* Outcome of dimacs_getline. */
enum { DIMACS_LINE = 0, DIMACS_EOF, DIMACS_ERROR, DIMACS_LONG, DIMACS_NUL };

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

/* Read one line (without its newline) into buf, which holds DIMACS_LINE_MAX
 * + 1 bytes. Stops at the first byte that makes the line bad: a NUL
 * (DIMACS_NUL) or byte DIMACS_LINE_MAX + 1 before the newline (DIMACS_LONG).
 * The last line may lack its newline. getc_unlocked under one flockfile:
 * about as fast as getline, with a fixed bound. */
static int dimacs_getline(FILE *f, char *buf)
{
    size_t len = 0;
    int rc = DIMACS_LINE;
    flockfile(f);
    for (;;) {
        int ch = getc_unlocked(f);
        if (ch == EOF) {
            rc = ferror(f) ? DIMACS_ERROR : (len == 0) ? DIMACS_EOF : DIMACS_LINE;
            break;
        }
        if (ch == '\n') {
            break;
        }
        if (ch == '\0') {
            rc = DIMACS_NUL;
            break;
        }
        if (len == DIMACS_LINE_MAX) {
            rc = DIMACS_LONG;
            break;
        }
        buf[len++] = (char)ch;
    }
    funlockfile(f);
    buf[len] = '\0';
    return rc;
}

/* Make room for arc index `arcs` (< declared) in p's arc arrays, *room slots
 * now: double, capped at the declared count. 0 on success, -1 on ENOMEM
 * (arrays that were grown stay valid and owned by p). */
static int dimacs_grow_arcs(mcf_problem *p, uint32_t *room, uint32_t declared)
{
    size_t want = (*room == 0) ? DIMACS_ARCS_FIRST : 2 * (size_t)*room;
    if (want > declared) {
        want = declared;
    }
    void *q;
    if ((q = realloc(p->tail, want * sizeof *p->tail)) == NULL) {
        return -1;
    }
    p->tail = q;
    if ((q = realloc(p->head, want * sizeof *p->head)) == NULL) {
        return -1;
    }
    p->head = q;
    if ((q = realloc(p->lower, want * sizeof *p->lower)) == NULL) {
        return -1;
    }
    p->lower = q;
    if ((q = realloc(p->cap, want * sizeof *p->cap)) == NULL) {
        return -1;
    }
    p->cap = q;
    if ((q = realloc(p->cost, want * sizeof *p->cost)) == NULL) {
        return -1;
    }
    p->cost = q;
    *room = (uint32_t)want;
    return 0;
}

/* Add share to the flow total; 0 if it stays within MCF_TOTAL_MAX. */
static int dimacs_add_total(int64_t *total, int64_t share)
{
    return (__builtin_add_overflow(*total, share, total) || *total > MCF_TOTAL_MAX) ? -1 : 0;
}

/* Shorten a token for messages, with bytes outside printable ASCII shown as
 * '?' so that a binary file gives a readable one-line message. */
static const char *dimacs_show(const char *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s);
    for (char *c = buf; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
            *c = '?';
        }
    }
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
    char *line = NULL;          /* DIMACS_LINE_MAX + 1 bytes */
    long lineno = 0;
    uint32_t arcs = 0;          /* arc lines read */
    uint32_t declared = 0;      /* arcs on the problem line */
    uint32_t room = 0;          /* slots in p's arc arrays */
    int64_t total = 0;          /* flow total so far (mcf.h, MCF_TOTAL_MAX) */
    char show[40];
    char *tok[DIMACS_MAX_TOKENS];

    *out = NULL;
    line = malloc(DIMACS_LINE_MAX + 1);
    if (line == NULL) {
        st = dimacs_fail(err, err_len, MCF_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    for (;;) {
        errno = 0;
        int got = dimacs_getline(f, line);
        if (got == DIMACS_EOF) {
            break;
        }
        lineno++;
        if (got == DIMACS_ERROR) {
            st = dimacs_fail(err, err_len, MCF_EIO, "%s:%ld: read error: %s", name, lineno,
                             strerror(errno));
            goto done;
        }
        if (got == DIMACS_NUL) {
            st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: NUL byte in line", name, lineno);
            goto done;
        }
        if (got == DIMACS_LONG) {
            st = dimacs_fail(err, err_len, MCF_EINPUT, "%s:%ld: line longer than %d bytes",
                             name, lineno, DIMACS_LINE_MAX);
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
            if (dimacs_int(tok[2], 1, MCF_NODES_MAX, &nn) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: node count: expected an integer in 1..%" PRIu32 ", got '%s'",
                                 name, lineno, MCF_NODES_MAX, dimacs_show(tok[2], show, sizeof show));
                goto done;
            }
            if (dimacs_int(tok[3], 0, MCF_ARCS_MAX, &mm) != 0) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: arc count: expected an integer in 0..%" PRIu32 ", got '%s'",
                                 name, lineno, MCF_ARCS_MAX, dimacs_show(tok[3], show, sizeof show));
                goto done;
            }
            /* Arc arrays come with the arc lines (dimacs_grow_arcs). */
            declared = (uint32_t)mm;
            p = mcf_problem_new((uint32_t)nn, 0);
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
            if (dimacs_add_total(&total, sup < 0 ? -sup : sup) != 0) {
                goto total;
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
            if (arcs == declared) {
                st = dimacs_fail(err, err_len, MCF_EINPUT,
                                 "%s:%ld: more arc lines than the %" PRIu32 " declared", name, lineno,
                                 declared);
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
            if (dimacs_add_total(&total, mcf_arc_total(lo, hi)) != 0) {
                goto total;
            }
            if (arcs == room && dimacs_grow_arcs(p, &room, declared) != 0) {
                st = dimacs_fail(err, err_len, MCF_ENOMEM, "%s:%ld: cannot allocate %" PRIu32 " arcs",
                                 name, lineno, declared);
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
    if (arcs != declared) {
        st = dimacs_fail(err, err_len, MCF_EINPUT,
                         "%s:%ld: %" PRIu32 " arc lines, but the problem line declared %" PRIu32,
                         name, lineno, arcs, declared);
        goto done;
    }
    p->m = arcs;
    *out = p;
    p = NULL;
    goto done;
total:
    st = dimacs_fail(err, err_len, MCF_EINPUT,
                     "%s:%ld: flow total past 2^61 (sum of |supply|, 2 |lower| and finite"
                     " capacity - lower over the file so far)", name, lineno);
done:
    mcf_problem_free(p);
    free(seen);
    free(line);
    return st;
}

mcf_status dimacs_read_file(const char *path, mcf_problem **out, char *err, size_t err_len)
{
    *out = NULL;
    /* O_NONBLOCK so that opening a FIFO without a writer or a device cannot
     * hang before fstat tells what it is; cleared again for reading. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        /* A file that cannot be opened is bad input (exit 2), as for `mycosim run`. */
        mcf_status e = dimacs_fail(err, err_len, MCF_EINPUT, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return e;
    }
    /* A regular file or a pipe (`solve /dev/stdin`, process substitution);
     * a directory or a device (/dev/zero, a terminal) is refused. */
    if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
        close(fd);
        return dimacs_fail(err, err_len, MCF_EINPUT, "%s: %s", path,
                           S_ISDIR(sb.st_mode) ? "is a directory"
                                               : "not a regular file or a pipe");
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) ? NULL : fdopen(fd, "r");
    if (f == NULL) {
        mcf_status e = dimacs_fail(err, err_len, MCF_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        return e;
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
    if (st == MCF_ERANGE) {
        /* The reader enforced the value and total limits, so this is ns_init's big M. */
        fprintf(err, "mycosim: %s: costs too large for %" PRIu32 " nodes: (max |cost| + 1)"
                " x (nodes + 1) must be at most 2^55\n", path, p->n);
        rc = 2;
        goto done;
    }
    int64_t cost = 0;
    if (st == MCF_OPTIMAL && ns_total_cost(w, &cost) == MCF_ERANGE) {
        fprintf(err, "mycosim: %s: the optimal cost, about %.6g, is outside the int64 range\n",
                path, ns_total_cost_approx(w));
        rc = 2;
        goto done;
    }
    if (st != MCF_OPTIMAL) {
        fprintf(err, "mycosim: %s: %s\n", path, mcf_status_name(st));
        rc = (st == MCF_EINPUT) ? 2 : 1;
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
