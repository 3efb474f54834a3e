/*
 * sweep_means.c -- a sweep's replicate means: setting-SSSS/<file>_mean.csv.
 *
 * For every model's CSV (and report.csv when the runs wrote one), the mean
 * and 95% half-width (sweep_tables_mean_half) of each column over the
 * setting's completed replicates at each sample time. Rows are matched by
 * their exact time text and sorted by time; a run that stopped early counts
 * only at its own times (the n column says how many replicates a row has);
 * a NaN makes its cell's mean NaN. The columns are the first replicate's,
 * looked up by name in the others. Each setting folder gets a manifest, so
 * a later sweep removes these files and only these. Cost: one setting's
 * replicates of one file in memory at a time (rows x columns x reps).
 */
#include "sweep_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

/* A row's key: rows of replicates match by exact time text (and rank among equal times). */
typedef struct sweep_means_key {
    int64_t ns;                /* the time, for ordering */
    uint32_t occ;              /* earlier rows of the file with the same time text */
    uint32_t row;              /* its row in the file */
    const char *text;          /* the time as written */
} sweep_means_key;

/* One replicate's CSV, parsed. */
typedef struct sweep_means_series {
    char *text;                /* the file, cut in place */
    char **head;               /* its header */
    uint32_t nhead;
    uint32_t nrows, ncols;     /* ncols: the first replicate's columns after time */
    sweep_means_key *keys;           /* sorted by key */
    double *vals;              /* nrows x ncols, in the first replicate's column order */
} sweep_means_series;

/* A time as written by trace_time ("12", "0.05") in ns exactly; other text through strtod. */
static int64_t sweep_means_time_ns(const char *t)
{
    const char *c = t + (*t == '-');
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    for (; *c >= '0' && *c <= '9' && whole < 1000000000LL; c++, digits++) {
        whole = whole * 10 + (*c - '0');
    }
    if (*c == '.') {
        for (c++; *c >= '0' && *c <= '9' && fdigits < 9; c++, fdigits++) {
            frac = frac * 10 + (*c - '0');
        }
    }
    if (*c != '\0' || digits == 0) {
        double v = strtod(t, NULL) * 1e9;
        return isnan(v) ? INT64_MAX : v >= 9e18 ? INT64_MAX : v <= -9e18 ? INT64_MIN : (int64_t)v;
    }
    for (; fdigits < 9; fdigits++) {
        frac *= 10;
    }
    int64_t ns = whole * 1000000000LL + frac;
    return *t == '-' ? -ns : ns;
}

static int sweep_means_key_cmp(const void *pa, const void *pb)
{
    const sweep_means_key *a = pa, *b = pb;
    if (a->ns != b->ns) {
        return a->ns < b->ns ? -1 : 1;
    }
    if (a->occ != b->occ) {
        return a->occ < b->occ ? -1 : 1;
    }
    return strcmp(a->text, b->text);
}

static void sweep_means_series_free(sweep_means_series *s)
{
    free(s->text);
    free(s->head);
    free(s->keys);
    free(s->vals);
    memset(s, 0, sizeof *s);
}

/* Where each of ref's columns (after time) is in s's header, -1 if absent. */
static void sweep_means_series_map(const sweep_means_series *s, const sweep_means_series *ref,
                                   int *map)
{
    for (uint32_t k = 0; k < ref->ncols; k++) {
        map[k] = -1;
        for (uint32_t h = 1; h < s->nhead; h++) {
            if (strcmp(s->head[h], ref->head[k + 1]) == 0) {
                map[k] = (int)h;
                break;
            }
        }
    }
}

/* Parse the rows after the header (body) into keys and values. */
static int sweep_means_series_rows(sweep_means_series *s, char *body, const int *map)
{
    uint32_t cap = 1;
    for (const char *c = body; *c != '\0'; c++) {
        cap += *c == '\n';
    }
    char **f = malloc((s->nhead + 1) * sizeof *f);
    s->keys = malloc(cap * sizeof *s->keys);
    s->vals = malloc((size_t)cap * (s->ncols ? s->ncols : 1) * sizeof *s->vals);
    if (f == NULL || s->keys == NULL || s->vals == NULL) {
        free(f);
        return 0;
    }
    for (char *line = body, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        uint32_t n = sweep_tables_split(line, f, s->nhead + 1), r = s->nrows++;
        sweep_means_key *k = &s->keys[r];
        *k = (sweep_means_key){ .ns = sweep_means_time_ns(f[0]), .row = r, .text = f[0] };
        k->occ = r > 0 && strcmp(s->keys[r - 1].text, f[0]) == 0 ? s->keys[r - 1].occ + 1 : 0;
        for (uint32_t c = 0; c < s->ncols; c++) {
            int have = map[c] >= 0 && (uint32_t)map[c] < n;
            s->vals[(size_t)r * s->ncols + c] = have ? sweep_tables_num(f[map[c]]) : NAN;
        }
    }
    free(f);
    qsort(s->keys, s->nrows, sizeof *s->keys, sweep_means_key_cmp);
    return 1;
}

/* Parse a per-sample CSV (time first); ref is the first replicate (NULL for the first itself). */
static int sweep_means_series_parse(sweep_means_series *s, char *text,
                                    const sweep_means_series *ref)
{
    memset(s, 0, sizeof *s);
    s->text = text;
    char *body = strchr(text, '\n');
    if (body == NULL) {
        return 0;
    }
    *body++ = '\0';
    s->head = sweep_tables_cut(text, &s->nhead);
    if (s->head == NULL || s->nhead == 0 || strcmp(s->head[0], "time") != 0) {
        return 0;
    }
    s->ncols = ref != NULL ? ref->ncols : s->nhead - 1;
    int *map = malloc((s->ncols + 1) * sizeof *map);
    if (map == NULL) {
        return 0;
    }
    sweep_means_series_map(s, ref != NULL ? ref : s, map);
    int ok = sweep_means_series_rows(s, body, map);
    free(map);
    return ok;
}

/* The completed replicates of setting s that wrote file; returns how many (parsed into ser). */
static uint32_t sweep_means_series_load(const sweep *w, uint32_t s, const char *file,
                                        sweep_means_series *ser)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        uint32_t i = s * w->o->reps + r;
        char name[64];
        sweep_plan_run_name(w, i, name, sizeof name);
        int fd = w->jobs[i].ok ? sweep_dir_open(w->dfd, name) : -1;
        char *text = fd >= 0 ? sweep_dir_slurp(fd, file) : NULL;
        if (fd >= 0) {
            close(fd);
        }
        if (text != NULL && sweep_means_series_parse(&ser[k], text, k > 0 ? &ser[0] : NULL)) {
            k++;
        } else if (text != NULL) {
            sweep_means_series_free(&ser[k]);
        }
    }
    return k;
}

/* Every key of every replicate once, sorted; returns the count. */
static uint32_t sweep_means_union(const sweep_means_series *ser, uint32_t k, sweep_means_key **out)
{
    size_t total = 0;
    for (uint32_t r = 0; r < k; r++) {
        total += ser[r].nrows;
    }
    sweep_means_key *u = malloc((total ? total : 1) * sizeof *u);
    if (u == NULL) {
        *out = NULL;
        return 0;
    }
    size_t n = 0;
    for (uint32_t r = 0; r < k; r++) {
        memcpy(u + n, ser[r].keys, ser[r].nrows * sizeof *u);
        n += ser[r].nrows;
    }
    qsort(u, n, sizeof *u, sweep_means_key_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m == 0 || sweep_means_key_cmp(&u[m - 1], &u[i]) != 0) {
            u[m++] = u[i];
        }
    }
    *out = u;
    return (uint32_t)m;
}

/* One row of a means file: the replicates that have key u, and per column mean and half-width. */
static void sweep_means_row(FILE *f, const sweep_means_key *u, const sweep_means_series *ser,
                            uint32_t k, uint32_t *rows, uint32_t *from, double *v)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < k; r++) {
        const sweep_means_key *hit = bsearch(u, ser[r].keys, ser[r].nrows, sizeof *u,
                                             sweep_means_key_cmp);
        if (hit != NULL) {
            from[n] = r;
            rows[n++] = hit->row;
        }
    }
    trace_text(f, u->text);
    fprintf(f, ",%u", n);
    for (uint32_t c = 0; c < ser[0].ncols; c++) {
        for (uint32_t m = 0; m < n; m++) {
            v[m] = ser[from[m]].vals[(size_t)rows[m] * ser[0].ncols + c];
        }
        double mean, half;
        sweep_tables_mean_half(v, n, &mean, &half);
        fputc(',', f);
        trace_num(f, mean);
        fputc(',', f);
        trace_num(f, half);
    }
    fputc('\n', f);
}

static void sweep_means_header(FILE *f, const sweep_means_series *ref)
{
    fputs("time,n", f);
    for (uint32_t c = 0; c < ref->ncols; c++) {
        fprintf(f, ",%s_mean,%s_ci95", ref->head[c + 1], ref->head[c + 1]);
    }
    fputc('\n', f);
}

/* dir/<base>_mean.csv over setting s's complete replicates of <base>.csv; *written if any had it. */
static sim_err sweep_means_file(const sweep *w, uint32_t s, const char *base, const char *dir,
                                int *written, char *msg, size_t len)
{
    char file[160], out[180];
    snprintf(file, sizeof file, "%s.csv", base);
    snprintf(out, sizeof out, "%s_mean.csv", base);
    sweep_means_series *ser = calloc(w->o->reps, sizeof *ser);
    uint32_t *rows = calloc(w->o->reps, sizeof *rows), *from = calloc(w->o->reps, sizeof *from);
    double *v = calloc(w->o->reps, sizeof *v);
    sweep_means_key *u = NULL;
    uint32_t k = ser != NULL ? sweep_means_series_load(w, s, file, ser) : 0;
    uint32_t nu = sweep_means_union(ser, k, &u);
    sim_err err = ser && rows && from && v && u ? SIM_OK : SIM_ENOMEM;
    *written = err == SIM_OK && k > 0;
    trace_file t = { .f = NULL };
    if (*written) {
        err = trace_open(&t, dir, out, msg, len);
    }
    if (*written && err == SIM_OK) {
        sweep_means_header(t.f, &ser[0]);
        for (uint32_t q = 0; q < nu; q++) {
            sweep_means_row(t.f, &u[q], ser, k, rows, from, v);
        }
        err = trace_commit(&t, msg, len);
    }
    for (uint32_t r = 0; r < k; r++) {
        sweep_means_series_free(&ser[r]);
    }
    free(ser);
    free(rows);
    free(from);
    free(v);
    free(u);
    if (err == SIM_ENOMEM) {
        snprintf(msg, len, "out of memory for the means of %s", out);
    }
    return err;
}

/* setting-SSSS/: a means file per model (and report.csv), and its manifest. */
sim_err sweep_means_write(sweep *w, uint32_t s, char *msg, size_t len)
{
    char name[64], dir[1100], names[66][TRACE_NAME_MAX];
    if (sweep_tables_complete_in(w, s) == 0) {
        return SIM_OK;
    }
    sweep_plan_setting_name(s, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", w->dir, name);
    if (mkdirat(w->dfd, name, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "cannot create %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    int fd = sweep_dir_open(w->dfd, name);
    if (fd < 0) {
        snprintf(msg, len, "cannot open %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    sim_err err = SIM_OK;
    uint32_t k = 0;
    for (uint32_t m = 0; err == SIM_OK && m <= w->nmodels && k < 66; m++) {
        const char *base = m < w->nmodels ? w->models[m] : "report";
        int written = 0;
        err = sweep_means_file(w, s, base, dir, &written, msg, len);
        if (written) {
            snprintf(names[k++], sizeof names[0], "%s_mean.csv", base);
        }
    }
    if (err == SIM_OK) {
        err = trace_manifest_write(dir, fd, "sweep", names, k, msg, len);
    }
    close(fd);
    return err;
}
