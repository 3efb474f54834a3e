/*
 * plot.c -- gnuplot figures of a run: <model>.png and network.png.
 *
 * Each figure is first written as a gnuplot script beside its PNG
 * (<name>.gp, through trace_open/trace_commit), then gnuplot runs on that
 * text. The script is deterministic and names only files relative to its
 * folder ('gossip.csv', 'gossip.png'), so a researcher can edit it and run
 * `gnuplot gossip.gp` there. The PNG goes through the variable `out`: the
 * script defaults it to gossip.png, the run sets it to a temporary first
 * and renames it into place, so a PNG is whole or absent.
 *
 * gnuplot is started without a shell: fork, chdir into the output folder,
 * execvp("gnuplot") with the script on its standard input.
 *
 * Untrusted text. The scenario name (and, in plot_sweep.c, the key values
 * of a sweep) is written by whoever wrote the scenario. gnuplot's manual
 * ("Substitution of system commands in backquotes", "Quote marks"): backquote
 * command substitution happens anywhere on a command line *except* inside
 * single-quoted strings; in single-quoted strings backslashes are ordinary
 * characters and a single quote is written doubled; macros (@name) are not
 * expanded inside quotes; gnuplot 6 still expands \U+xxxx in single quotes,
 * and octal escapes there when enhanced text is on. So plot_str reduces any
 * such text to letters, digits, space and _-.,:()/=+ (no quote, backquote,
 * backslash, @, $, ;, newline can survive) and single-quotes it; the
 * terminal is noenhanced, so _ and ^ print as themselves. Belt and braces:
 * neither rule alone would be enough if gnuplot's parser changed.
 *
 * Figures: one panel per column, 1 per row up to 2 panels, else 2 per row;
 * a column whose every value is equal is left out and named in a note
 * ("constant: alive = 10000"), unless every column is. Timeline actions
 * from events.csv are dashed vertical lines labelled with the action (never
 * its detail), at most PLOT_MAX_LABELS labelled; actions at one instant
 * share a mark.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"

/* Exit status of the child when execvp fails: gnuplot is not installed. */
#define PLOT_NOT_FOUND 127
/* Pixels: panel height, space for the title at the top and the note at the bottom. */
#define PLOT_PANEL_H 270
#define PLOT_TOP_H 60
#define PLOT_BOTTOM_H 80
/* y labels longer than this many bytes are wrapped onto two lines. */
#define PLOT_WRAP 28
#define PLOT_STR_(x) #x
#define PLOT_STR(x) PLOT_STR_(x)

/* --- Untrusted text ------------------------------------------------------------ */

static int plot_safe_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != '\0' && strchr(" _-.,:()/=+", c) != NULL);
}

void plot_reduce(const char *in, char *out, size_t len)
{
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)in; *c && k + 1 < len; c++) {
        out[k++] = plot_safe_char(*c) ? (char)*c : '_';
    }
    if (len > 0) {
        out[k] = '\0';
    }
}

void plot_str(FILE *f, const char *in)
{
    char safe[256];
    plot_reduce(in, safe, sizeof safe);
    fprintf(f, "'%s'", safe);
}

void plot_num(FILE *f, double v)
{
    if (isnan(v)) {
        fputs("nan", f);
    } else {
        fprintf(f, "%.10g", v);
    }
}

/* --- CSV reading ------------------------------------------------------------------ */

int plot_csv_open(plot_csv *c, const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(c, 0, sizeof *c);
    c->f = fopen(path, "r");
    return c->f != NULL;
}

void plot_csv_close(plot_csv *c)
{
    if (c->f != NULL) {
        fclose(c->f);
    }
    free(c->buf);
    memset(c, 0, sizeof *c);
}

static int plot_csv_put(plot_csv *c, size_t *len, char ch)
{
    if (*len + 1 >= c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        char *b = realloc(c->buf, cap);
        if (b == NULL) {
            return 0;
        }
        c->buf = b;
        c->cap = cap;
    }
    c->buf[(*len)++] = ch;
    return 1;
}

/* One record into buf (fields NUL-separated); the offsets of its first fields into start. */
static int plot_csv_record(plot_csv *c, size_t *start, uint32_t *n)
{
    size_t len = 0;
    int quoted = 0, any = 0, ok = 1, ch;
    *n = 1;
    start[0] = 0;
    while (ok && (ch = getc(c->f)) != EOF) {
        any = 1;
        if (quoted && ch == '"') {
            int next = getc(c->f);
            quoted = next == '"';
            ok = !quoted || plot_csv_put(c, &len, '"');
            if (!quoted && next != EOF) {
                ungetc(next, c->f);
            }
        } else if (quoted || (ch != '"' && ch != ',' && ch != '\n' && ch != '\r')) {
            ok = plot_csv_put(c, &len, (char)ch);
        } else if (ch == '"') {
            quoted = 1;
        } else if (ch == ',') {
            ok = plot_csv_put(c, &len, '\0');
            if (*n < PLOT_CSV_MAX) {
                start[(*n)++] = len;
            }
        } else if (ch == '\n') {
            break;
        }
    }
    return any && ok && plot_csv_put(c, &len, '\0');
}

int plot_csv_next(plot_csv *c)
{
    size_t start[PLOT_CSV_MAX];
    uint32_t n;
    if (c->f == NULL || !plot_csv_record(c, start, &n)) {
        c->n = 0;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        c->field[i] = c->buf + start[i];
    }
    c->n = n;
    return 1;
}

const char *plot_csv_get(const plot_csv *c, uint32_t i)
{
    return i < c->n ? c->field[i] : "";
}

int plot_csv_find(const plot_csv *c, const char *name)
{
    for (uint32_t i = 0; i < c->n; i++) {
        if (strcmp(c->field[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void plot_scan_row(plot_scan *s, const plot_csv *c)
{
    for (uint32_t i = 0; i < s->ncols; i++) {
        const char *v = plot_csv_get(c, i);
        if (s->rows == 0) {
            snprintf(s->first[i], sizeof s->first[i], "%s", v);
        } else if (s->constant[i] && strcmp(v, s->first[i]) != 0) {
            s->constant[i] = 0;
        }
    }
    s->rows++;
}

sim_err plot_scan_csv(const char *dir, const char *name, plot_scan *s)
{
    plot_csv c;
    memset(s, 0, sizeof *s);
    if (!plot_csv_open(&c, dir, name)) {
        return SIM_EIO;
    }
    if (plot_csv_next(&c)) {
        s->ncols = c.n;
        for (uint32_t i = 0; i < c.n; i++) {
            snprintf(s->name[i], sizeof s->name[i], "%s", c.field[i]);
            s->constant[i] = 1;
        }
    }
    while (s->ncols > 0 && plot_csv_next(&c)) {
        plot_scan_row(s, &c);
    }
    plot_csv_close(&c);
    return s->ncols > 0 ? SIM_OK : SIM_EINPUT;
}

int plot_scan_find(const plot_scan *s, const char *name)
{
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (strcmp(s->name[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* --- Script pieces ----------------------------------------------------------------- */

/* Layout of a figure of n panels. */
typedef struct plot_grid {
    int rows, cols;
    int width, height;                   /* pixels */
} plot_grid;

static plot_grid plot_layout(int npanels)
{
    plot_grid g;
    g.cols = npanels <= 2 ? 1 : 2;
    g.rows = npanels < 1 ? 1 : (npanels + g.cols - 1) / g.cols;
    g.width = 1000;
    g.height = PLOT_TOP_H + PLOT_BOTTOM_H + g.rows * PLOT_PANEL_H;
    return g;
}

void plot_begin(FILE *f, const char *name, const char *sources, int npanels, const char *who,
                const char *what)
{
    plot_grid g = plot_layout(npanels);
    fprintf(f, "# %s.gp -- drawn by mycosim from %s in this folder.\n", name, sources);
    fprintf(f, "# Redraw: gnuplot %s.gp (in this folder). Edit freely: sizes, labels, ranges.\n", name);
    fprintf(f, "if (!exists('out')) out = '%s.png'\n", name);
    fprintf(f, "set terminal pngcairo noenhanced size %d,%d font 'sans,10'\n", g.width, g.height);
    fputs("set output out\n", f);
    fprintf(f, "set multiplot layout %d,%d title ", g.rows, g.cols);
    plot_str(f, who);
    fprintf(f, " . '%s' margins 0.1,0.97,%.4f,%.4f spacing %.3f,%.4f\n", what,
            (double)PLOT_BOTTOM_H / g.height, 1.0 - (double)PLOT_TOP_H / g.height,
            g.cols > 1 ? 0.13 : 0.0, 90.0 / g.height);
}

void plot_note(FILE *f, const char *text)
{
    if (text[0] == '\0') {
        return;
    }
    fputs("set label 1000 ", f);
    plot_str(f, text);
    fputs(" at screen 0.01, screen 0.015 left font ',9' textcolor rgb 'gray20'\n", f);
}

void plot_panel_done(FILE *f, const char *note, int *first)
{
    if (*first && note[0] != '\0') {
        fputs("unset label 1000\n", f);
    }
    *first = 0;
}

void plot_ylabel(FILE *f, const char *label)
{
    char safe[256];
    plot_reduce(label, safe, sizeof safe);
    size_t len = strlen(safe);
    char *cut = NULL;
    for (char *p = safe; len > PLOT_WRAP && *p; p++) {
        if (*p == ' ' && (cut == NULL || (size_t)(p - safe) <= len / 2 + 4)) {
            cut = p;
        }
    }
    if (cut == NULL) {
        fprintf(f, "set ylabel '%s'\n", safe);
        return;
    }
    *cut = '\0';
    fprintf(f, "set ylabel '%s' . \"\\n\" . '%s'\n", safe, cut + 1);
}

void plot_end(FILE *f)
{
    fputs("unset multiplot\nunset output\n", f);
}

/* --- Timeline marks ------------------------------------------------------------------ */

typedef struct plot_marks {
    uint32_t n;                          /* distinct instants kept */
    uint64_t instants;                   /* distinct instants read (more than n past the cap) */
    double last;                         /* the last instant read */
    double t[PLOT_MAX_MARKS];            /* seconds */
    char label[PLOT_MAX_MARKS][48];      /* action names at that instant, reduced */
} plot_marks;

/* Add action a at time t: to the last mark when it is at t, else as a new mark. */
static void plot_mark_add(plot_marks *m, double t, const char *a)
{
    char safe[32];
    plot_reduce(a, safe, sizeof safe);
    if (m->instants > 0 && m->last == t) {
        char *l = m->label[m->n - 1];
        if (m->instants <= PLOT_MAX_MARKS && strstr(l, safe) == NULL
            && strlen(l) + strlen(safe) + 2 < sizeof m->label[0]) {
            strcat(strcat(l, "+"), safe);
        }
        return;
    }
    m->instants++;
    m->last = t;
    if (m->n < PLOT_MAX_MARKS) {
        m->t[m->n] = t;
        snprintf(m->label[m->n++], sizeof m->label[0], "%s", safe);
    }
}

/* events.csv of dir: time and action of each line; a missing file or odd lines add nothing. */
static void plot_marks_read(const char *dir, plot_marks *m)
{
    plot_csv c;
    memset(m, 0, sizeof *m);
    if (!plot_csv_open(&c, dir, "events.csv")) {
        return;
    }
    while (plot_csv_next(&c)) {
        char *end;
        const char *ts = plot_csv_get(&c, 0), *action = plot_csv_get(&c, 1);
        double t = strtod(ts, &end);
        if (end != ts && *end == '\0' && isfinite(t) && *action != '\0') {
            plot_mark_add(m, t, action);
        }
    }
    plot_csv_close(&c);
}

static void plot_marks_write(FILE *f, const plot_marks *m)
{
    if (m->n > 0) {
        fputs("# timeline actions (events.csv): dashed lines, labelled with the action\n", f);
    }
    for (uint32_t i = 0; i < m->n; i++) {
        fputs("set arrow from ", f);
        plot_num(f, m->t[i]);
        fputs(", graph 0 to ", f);
        plot_num(f, m->t[i]);
        fputs(", graph 1 nohead dashtype 2 linecolor rgb 'gray50'\n", f);
        if (m->n <= PLOT_MAX_LABELS) {
            fputs("set label ", f);
            plot_str(f, m->label[i]);
            fputs(" at first ", f);
            plot_num(f, m->t[i]);
            fputs(", graph 0.97 rotate by 90 right offset character -1.2,0 font ',8'"
                  " textcolor rgb 'gray30' front\n", f);
        }
    }
}

/* --- Run figures ---------------------------------------------------------------------- */

typedef struct plot_panel {
    const char *column;      /* CSV column */
    const char *label;       /* y label */
    int always;              /* drawn even when constant */
    const char *yrange;      /* or NULL: autoscale */
} plot_panel;

/*
 * Which panels are drawn (col[i] = their CSV column index, or -1): constant
 * ones are left out and named in the note, unless that would leave none.
 */
static int plot_choose(const plot_scan *s, const plot_panel *p, uint32_t np, int *col,
                       char *note, size_t len)
{
    int drawn = 0, left_out = 0;
    size_t k = 0;
    note[0] = '\0';
    for (uint32_t i = 0; i < np; i++) {
        col[i] = plot_scan_find(s, p[i].column);
        if (col[i] >= 0 && s->constant[col[i]] && !p[i].always) {
            if (k < len) {
                k += (size_t)snprintf(note + k, len - k, "%s %s = %s", left_out++ ? "," : "constant:",
                                      p[i].column, s->first[col[i]]);
            }
            col[i] = -1;
        }
        drawn += col[i] >= 0;
    }
    if (drawn > 0) {
        return drawn;
    }
    note[0] = '\0';
    for (uint32_t i = 0; i < np; i++) {
        col[i] = plot_scan_find(s, p[i].column);
        drawn += col[i] >= 0;
    }
    return drawn;
}

/* When the marks carry no labels, the note says what they are. */
static void plot_note_text(const plot_marks *m, char *note, size_t len)
{
    if (m->n > PLOT_MAX_LABELS) {
        size_t k = strlen(note);
        snprintf(note + k, len - k, "%sdashed: timeline actions at %llu instants%s",
                 k > 0 ? ". " : "", (unsigned long long)m->instants,
                 m->instants > m->n ? " (the first " PLOT_STR(PLOT_MAX_MARKS) " drawn)" : "");
    }
}

/* A run figure: the panels of dir/<name>.csv that are drawn, marks, note. */
static sim_err plot_series_script(FILE *f, const plot_run *r, const char *name,
                                  const plot_panel *p, uint32_t np)
{
    char csv[96], title[160], note[1024], sources[160];
    plot_scan s;
    plot_marks m;
    int col[PLOT_CSV_MAX];
    snprintf(csv, sizeof csv, "%s.csv", name);
    SIM_TRY(plot_scan_csv(r->dir, csv, &s));
    if (s.rows == 0 || np > PLOT_CSV_MAX) {
        return SIM_EINPUT;
    }
    int drawn = plot_choose(&s, p, np, col, note, sizeof note);
    if (drawn == 0) {
        return SIM_EINPUT;
    }
    plot_marks_read(r->dir, &m);
    plot_note_text(&m, note, sizeof note);
    snprintf(title, sizeof title, ", seed %lld: %s", r->seed, name);
    snprintf(sources, sizeof sources, "%s and events.csv", csv);
    plot_begin(f, name, sources, drawn, r->scenario, title);
    fputs("set datafile separator ','\nset key off\nset grid\nset xlabel 'time (s)'\n", f);
    plot_marks_write(f, &m);
    plot_note(f, note);
    for (int i = 0, first = 1; i < (int)np; i++) {
        if (col[i] < 0) {
            continue;
        }
        plot_ylabel(f, p[i].label);
        fprintf(f, "set yrange %s\n", p[i].yrange != NULL ? p[i].yrange : "[*:*]");
        fputs("plot ", f);
        plot_str(f, csv);
        fprintf(f, " using 1:%d with lines linewidth 2 linecolor rgb '#1f5fa8'\n", col[i] + 1);
        plot_panel_done(f, note, &first);
    }
    plot_end(f);
    return SIM_OK;
}

sim_err plot_model_script(FILE *f, const plot_run *r, const sim_model *model)
{
    plot_panel p[PLOT_CSV_MAX];
    uint32_t n = 0;
    const char *const *labels = model->labels;
    for (; model->columns[n] != NULL && n < PLOT_CSV_MAX; n++) {
        labels = labels != NULL && labels[n] != NULL ? labels : NULL;   /* a short list: names */
        p[n].column = model->columns[n];
        p[n].label = labels != NULL ? labels[n] : model->columns[n];
        p[n].always = 0;
        p[n].yrange = NULL;
    }
    return plot_series_script(f, r, model->name, p, n);
}

#define PLOT_LONG_KEYS 16     /* lines per panel of a long-format figure */

/* The distinct values of column kc of dir/csv, in order of first appearance (at most PLOT_LONG_KEYS). */
static uint32_t plot_long_keys(const char *dir, const char *csv, const char *key, int *kc,
                               char keys[][64])
{
    plot_csv c;
    uint32_t n = 0;
    if (!plot_csv_open(&c, dir, csv)) {
        return 0;
    }
    *kc = plot_csv_next(&c) ? plot_csv_find(&c, key) : -1;
    while (*kc >= 0 && plot_csv_next(&c)) {
        char v[64];
        plot_reduce(plot_csv_get(&c, (uint32_t)*kc), v, sizeof v);
        uint32_t i = 0;
        while (i < n && strcmp(keys[i], v) != 0) {
            i++;
        }
        if (i == n && n < PLOT_LONG_KEYS) {
            snprintf(keys[n++], 64, "%s", v);
        }
    }
    plot_csv_close(&c);
    return n;
}

/*
 * The rows of one key as a gnuplot datablock $k<index>: time, then the drawn
 * columns (gnuplot breaks a line at every filtered row, so each key gets
 * its own data). Values are numbers from our own CSV, written back with
 * plot_num.
 */
static void plot_long_block(FILE *f, const char *dir, const char *csv, int kc, const char *key,
                            uint32_t index, const int *col, const char *const *names)
{
    plot_csv c;
    fprintf(f, "$k%u << EOD\n", index);
    if (plot_csv_open(&c, dir, csv)) {
        (void)plot_csv_next(&c);                       /* the header */
        while (plot_csv_next(&c)) {
            char v[64];
            plot_reduce(plot_csv_get(&c, (uint32_t)kc), v, sizeof v);
            if (strcmp(v, key) != 0) {
                continue;
            }
            plot_num(f, strtod(plot_csv_get(&c, 0), NULL));
            for (int i = 0; names[i] != NULL && i < PLOT_CSV_MAX; i++) {
                if (col[i] >= 0) {
                    fputc(' ', f);
                    plot_num(f, strtod(plot_csv_get(&c, (uint32_t)col[i]), NULL));
                }
            }
            fputc('\n', f);
        }
        plot_csv_close(&c);
    }
    fputs("EOD\n", f);
}

/* A model's long-format <name>.csv: a panel per long_plot column, a line per key value. */
static sim_err plot_long_script(FILE *f, const plot_run *r, const sim_model *model)
{
    char csv[96], title[160], note[1024] = "", sources[160], keys[PLOT_LONG_KEYS][64];
    int kc = -1, col[PLOT_CSV_MAX], np = 0;
    plot_scan s;
    plot_marks m;
    snprintf(csv, sizeof csv, "%s.csv", model->name);
    SIM_TRY(plot_scan_csv(r->dir, csv, &s));
    uint32_t nkeys = plot_long_keys(r->dir, csv, model->long_key, &kc, keys);
    for (int i = 0; model->long_plot[i] != NULL && i < PLOT_CSV_MAX; i++) {
        col[i] = plot_scan_find(&s, model->long_plot[i]);
        np += col[i] >= 0;
    }
    if (s.rows == 0 || nkeys == 0 || np == 0) {
        return SIM_EINPUT;
    }
    plot_marks_read(r->dir, &m);
    plot_note_text(&m, note, sizeof note);
    snprintf(title, sizeof title, ", seed %lld: %s", r->seed, model->name);
    snprintf(sources, sizeof sources, "%s and events.csv", csv);
    plot_begin(f, model->name, sources, np, r->scenario, title);
    fputs("set key top left\nset grid\nset xlabel 'time (s)'\n", f);
    for (uint32_t k = 0; k < nkeys; k++) {
        plot_long_block(f, r->dir, csv, kc, keys[k], k, col, model->long_plot);
    }
    plot_marks_write(f, &m);
    plot_note(f, note);
    for (int i = 0, first = 1, j = 0; model->long_plot[i] != NULL && i < PLOT_CSV_MAX; i++) {
        if (col[i] < 0) {
            continue;
        }
        j++;
        plot_ylabel(f, model->long_plot[i]);
        fputs("set yrange [*:*]\nplot ", f);
        for (uint32_t k = 0; k < nkeys; k++) {
            fprintf(f, "%s$k%u using 1:%d with linespoints linewidth 2 title ", k ? ", \\\n     " : "",
                    k, j + 1);
            plot_str(f, keys[k]);
        }
        fputc('\n', f);
        plot_panel_done(f, note, &first);
    }
    plot_end(f);
    return SIM_OK;
}

/* network.csv's columns (the core's own, see doc/scenarios.md): giant and components always. */
static const plot_panel plot_network_panels[] = {
    { "giant", "giant component (fraction of nodes)", 1, "[0:1.05]" },
    { "components", "connected components", 1, NULL },
    { "alive", "alive nodes", 0, NULL },
    { "links_up", "links up", 0, NULL },
    { "blocked", "messages blocked (cumulative)", 0, NULL },
};

sim_err plot_network_script(FILE *f, const plot_run *r)
{
    return plot_series_script(f, r, "network", plot_network_panels,
                              sizeof plot_network_panels / sizeof plot_network_panels[0]);
}

/* --- Running gnuplot -------------------------------------------------------------------- */

/* In the child: stdin from the pipe, stdout/stderr to /dev/null, cwd = dir, exec gnuplot. */
static void plot_exec(int in_fd, const char *dir)
{
    int null = open("/dev/null", O_WRONLY);
    if (dup2(in_fd, STDIN_FILENO) < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0
        || dup2(null, STDERR_FILENO) < 0 || chdir(dir) != 0) {
        _exit(1);
    }
    char *const argv[] = { (char *)"gnuplot", NULL };
    execvp(argv[0], argv);
    _exit(PLOT_NOT_FOUND);
}

/* Feed gnuplot `out = '<tmp>'` and the script; the child's exit status, or -1. */
static int plot_gnuplot(const char *dir, const char *tmp_name, const char *text, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[1]);
        plot_exec(fd[0], dir);
    }
    close(fd[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);   /* gnuplot may exit before reading all */
    FILE *f = fdopen(fd[1], "w");
    if (f != NULL) {
        fputs("out = ", f);
        plot_str(f, tmp_name);
        fputc('\n', f);
        fwrite(text, 1, len, f);
        fclose(f);
    } else {
        close(fd[1]);
    }
    signal(SIGPIPE, old);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int plot_write_gp(const char *dir, const char *name, const char *text, size_t len)
{
    char gp[96], msg[256];
    trace_file t;
    snprintf(gp, sizeof gp, "%s.gp", name);
    if (trace_open(&t, dir, gp, msg, sizeof msg) != SIM_OK) {
        return 0;
    }
    fwrite(text, 1, len, t.f);
    return trace_commit(&t, msg, sizeof msg) == SIM_OK;
}

static int plot_draw(const char *dir, const char *name, const char *text, size_t len, int quiet)
{
    char png[1200], tmp[1300], tmp_name[128];
    if (!plot_write_gp(dir, name, text, len)) {
        if (!quiet) {
            fprintf(stderr, "mycosim: note: cannot write %s.gp, %s.png skipped\n", name, name);
        }
        return 0;
    }
    snprintf(png, sizeof png, "%s/%s.png", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", png);
    snprintf(tmp_name, sizeof tmp_name, "%s.png.tmp", name);
    int fd = trace_create(tmp);          /* gnuplot then writes a regular file of ours */
    int st = fd >= 0 ? (close(fd), plot_gnuplot(dir, tmp_name, text, len)) : -1;
    if (st != 0 || rename(tmp, png) != 0) {
        unlink(tmp);
        if (!quiet) {
            fprintf(stderr, "mycosim: note: %s, %s.png skipped\n",
                    st == PLOT_NOT_FOUND ? "gnuplot not found" : "gnuplot failed", name);
        }
        return PLOT_GP;
    }
    return PLOT_GP | PLOT_PNG;
}

int plot_figure(const char *dir, const char *name, plot_writer write, const void *ctx, int quiet)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        return 0;
    }
    sim_err err = write(f, ctx);
    int ok = fclose(f) == 0 && err == SIM_OK;
    int done = ok ? plot_draw(dir, name, text, len, quiet) : 0;
    free(text);
    return done;
}

int plot_figure_listed(const char *dir, const char *name, plot_writer write, const void *arg, int quiet,
                       plot_wrote wrote, void *ctx)
{
    int bits = plot_figure(dir, name, write, arg, quiet);
    char file[112];
    if ((bits & PLOT_GP) && wrote != NULL) {
        snprintf(file, sizeof file, "%s.gp", name);
        wrote(ctx, file);
    }
    if ((bits & PLOT_PNG) && wrote != NULL) {
        snprintf(file, sizeof file, "%s.png", name);
        wrote(ctx, file);
    }
    return bits & PLOT_PNG;
}

typedef struct plot_model_ctx {
    const plot_run *r;
    const sim_model *model;
} plot_model_ctx;

static sim_err plot_model_writer(FILE *f, const void *ctx)
{
    const plot_model_ctx *c = ctx;
    return plot_model_script(f, c->r, c->model);
}

static sim_err plot_network_writer(FILE *f, const void *ctx)
{
    return plot_network_script(f, ctx);
}

static sim_err plot_long_writer(FILE *f, const void *ctx)
{
    const plot_model_ctx *c = ctx;
    return plot_long_script(f, c->r, c->model);
}

int plot_model(const plot_run *r, const sim_model *model)
{
    plot_model_ctx c = { .r = r, .model = model };
    if (r->no_plot || (model->own_csv && model->long_key == NULL)) {
        return 0;
    }
    return plot_figure(r->dir, model->name, model->own_csv ? plot_long_writer : plot_model_writer, &c,
                       r->quiet);
}

int plot_network(const plot_run *r)
{
    return r->no_plot ? 0 : plot_figure(r->dir, "network", plot_network_writer, r, r->quiet);
}
