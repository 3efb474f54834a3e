/*
 * sweep_dir.c -- the sweep's folder: what each run folder was made for,
 * which runs are complete, and the removal of what mycosim wrote there
 * before, and only that.
 *
 * The marker. Run (s, r) writes DIR/run-SSSS-repR/ exactly as `mycosim run`
 * does, after a marker file (.mycosim-sweep-run, written whole through
 * trace.h) saying what it was made for: an FNV-1a hash of the scenario
 * file's bytes, the seed and the exact --set list. A run is complete when
 * its marker is this run's, its manifest (.mycosim-files, written last by
 * run.c) lists its summary.csv and every model's CSV as they are now, and
 * that summary says status ok.
 *
 * Resume and hygiene. A run folder that counts as complete is kept and not
 * run again, so the same command after an interruption runs only what is
 * missing and ends with the same tables (byte for byte, but for wall_s and
 * events_per_s in sweep.csv). Every other folder the sweep owns (run-*
 * outside the plan or made for another plan, not-complete runs, setting-*)
 * first loses what mycosim wrote in it: the files its manifest lists if
 * they are still those very files (run.c's rule), temporaries of names
 * mycosim writes, the marker and the manifest; a folder left empty is
 * removed. Anything else stays and is counted, for the one line on stderr
 * that sweep.c prints. Folders are opened with O_NOFOLLOW and entries
 * removed with unlinkat: a link is removed or left, never followed; a
 * planned folder that is a link or a file stops the sweep before it starts.
 */
#include "sweep_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

/* --- Reading folders, never through a link ------------------------------------ */

/* A whole regular file of folder dfd (malloc'd, NUL-terminated), or NULL. */
char *sweep_dir_slurp(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        size_t size = (size_t)st.st_size, got = 0;
        buf = malloc(size + 1);
        for (ssize_t k = 1; buf != NULL && got < size && k > 0;) {
            k = read(fd, buf + got, size - got);
            got += k > 0 ? (size_t)k : 0;
            k = k < 0 && errno == EINTR ? 1 : k;
        }
        if (buf != NULL) {
            buf[got] = '\0';
        }
    }
    close(fd);
    return buf;
}

int sweep_dir_open(int dfd, const char *name)
{
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The next line of text (NUL-terminated copy in out); NULL at the end. */
static const char *sweep_dir_line(const char *text, char *out, size_t len)
{
    if (text == NULL || *text == '\0') {
        return NULL;
    }
    size_t n = strcspn(text, "\n");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), text);
    return text + n + (text[n] == '\n');
}

/* 1 if manifest (text) has the line of name as that file is now. */
static int sweep_dir_listed(int dfd, const char *manifest, const char *name)
{
    char id[512], line[512];
    if (!trace_identity(dfd, name, id, sizeof id)) {
        return 0;
    }
    for (const char *t = manifest; (t = sweep_dir_line(t, line, sizeof line)) != NULL;) {
        if (strcmp(line, id) == 0) {
            return 1;
        }
    }
    return 0;
}

/* --- The marker: what a run folder was made for ---------------------------------- */

/* The marker of run i (w->sets must hold its setting's list). */
static void sweep_dir_marker_text(const sweep *w, uint32_t i, FILE *f)
{
    fputs(SWEEP_MARKER_HEAD ": what this folder's run was made for. A resumed sweep keeps\n"
          "# the run only if every line below matches its own plan; else it runs it again.\n", f);
    fprintf(f, "scenario fnv1a64 %016llx\nseed %lld\n", (unsigned long long)w->hash,
            (long long)sweep_plan_seed(w, i));
    for (uint32_t k = 0; k < sweep_plan_nsets(w); k++) {
        fputs("set ", f);
        trace_escaped(f, w->sets[k], strlen(w->sets[k]));
        fputc('\n', f);
    }
}

static char *sweep_dir_marker_expected(sweep *w, uint32_t i)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f == NULL) {
        return NULL;
    }
    sweep_plan_sets(w, i / w->o->reps);
    sweep_dir_marker_text(w, i, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* 1 if every model's CSV of the folder is listed in its manifest as it is. */
static int sweep_dir_models_listed(const sweep *w, int fd, const char *manifest)
{
    for (uint32_t m = 0; m < w->nmodels; m++) {
        char name[160];
        snprintf(name, sizeof name, "%s.csv", w->models[m]);
        if (!sweep_dir_listed(fd, manifest, name)) {
            return 0;
        }
    }
    return 1;
}

/*
 * The summary of run i if its folder holds that run's committed outputs: the
 * marker is run i's and the manifest lists summary.csv as it is now. Sets
 * *complete if its status is ok and every model's CSV is listed as it is
 * too. NULL otherwise (no folder, another plan's, or a run that never wrote).
 */
char *sweep_dir_load_run(sweep *w, uint32_t i, int *complete)
{
    char name[64];
    *complete = 0;
    sweep_plan_run_name(w, i, name, sizeof name);
    int fd = sweep_dir_open(w->dfd, name);
    if (fd < 0) {
        return NULL;
    }
    char *want = sweep_dir_marker_expected(w, i), *have = sweep_dir_slurp(fd, SWEEP_MARKER);
    char *manifest = sweep_dir_slurp(fd, SWEEP_MANIFEST), *sum = NULL;
    if (want != NULL && have != NULL && strcmp(want, have) == 0
        && sweep_dir_listed(fd, manifest, "summary.csv")) {
        sum = sweep_dir_slurp(fd, "summary.csv");
        *complete = sum != NULL && sweep_tables_summary_ok(sum)
                    && sweep_dir_models_listed(w, fd, manifest);
    }
    free(want);
    free(have);
    free(manifest);
    close(fd);
    return sum;
}

/* --- Hygiene: removing what mycosim wrote, and only that --------------------------- */

/* Remove name.tmp from fd if name is one mycosim writes (a temporary left by a killed writer). */
static void sweep_dir_unlink_tmp(int fd, const char *name)
{
    char tmp[200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", name) < sizeof tmp) {
        (void)unlinkat(fd, tmp, 0);
    }
}

/* The temporaries of every name mycosim writes in a sweep's folders (run, setting, top). */
void sweep_dir_unlink_tmps(const sweep *w, int fd)
{
    static const char *const fixed[] = {
        "summary.csv", "events.csv", "network.csv", "run.lua", "report.csv", "report_mean.csv",
        "sweep.csv", "sweep_stats.csv", "settings.csv", SWEEP_MANIFEST, SWEEP_MARKER,
        "sweep.gp", "sweep.png", "sweep_heat.gp", "sweep_heat.png", NULL
    };
    static const char *const per_model[] = {
        "%s.csv", "%s.png", "%s_mean.csv", "%s_mean.gp", "%s_mean.png", NULL
    };
    for (int k = 0; fixed[k] != NULL; k++) {
        sweep_dir_unlink_tmp(fd, fixed[k]);
    }
    for (uint32_t m = 0; m < w->nmodels; m++) {
        for (int k = 0; per_model[k] != NULL; k++) {
            char name[160];
            snprintf(name, sizeof name, per_model[k], w->models[m]);
            sweep_dir_unlink_tmp(fd, name);
        }
    }
}

/* Remove name from fd if it is a regular file that begins with head (one of ours). */
static void sweep_dir_unlink_ours(int fd, const char *name, const char *head)
{
    char *text = sweep_dir_slurp(fd, name);
    if (text != NULL && strncmp(text, head, strlen(head)) == 0) {
        (void)unlinkat(fd, name, 0);
    }
    free(text);
}

/* Count what is left in folder fd, noting the first entry as name/entry. */
static uint32_t sweep_dir_count_left(int fd, const char *name, char *first, size_t len)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    uint32_t k = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (k++ == 0) {
            snprintf(first, len, "%s/%s", name, e->d_name);
        }
    }
    if (d != NULL) {
        closedir(d);
    } else if (dup_fd >= 0) {
        close(dup_fd);
    }
    return k;
}

/*
 * Empty folder name of the sweep folder of what mycosim wrote there, then
 * remove it if nothing else is left. With stale set, what is left (or a
 * link or file under that name) is counted for the note on stderr.
 */
static void sweep_dir_clean(sweep *w, const char *name, int stale)
{
    int fd = sweep_dir_open(w->dfd, name);
    if (fd < 0) {
        if (errno != ENOENT && stale) {      /* a link or a file: not ours to touch */
            if (w->kept == 0) {
                snprintf(w->kept_first, sizeof w->kept_first, "%s", name);
            }
            w->kept++;
            w->kept_dirs++;
        }
        return;
    }
    trace_manifest_unlink(fd, NULL, 0);
    sweep_dir_unlink_ours(fd, SWEEP_MARKER, SWEEP_MARKER_HEAD);
    sweep_dir_unlink_tmps(w, fd);
    if (unlinkat(w->dfd, name, AT_REMOVEDIR) != 0 && stale) {
        char first[1200];
        uint32_t k = sweep_dir_count_left(fd, name, first, sizeof first);
        if (k > 0 && w->kept == 0) {
            snprintf(w->kept_first, sizeof w->kept_first, "%s", first);
        }
        w->kept += k;
        w->kept_dirs += k > 0;
    }
    close(fd);
}

/* Index of a planned run folder name (run-SSSS-repR exactly as we name it), or UINT32_MAX. */
static uint32_t sweep_dir_planned_run(const sweep *w, const char *name)
{
    unsigned s, r;
    char again[64];
    if (sscanf(name, "run-%u-rep%u", &s, &r) != 2 || s >= w->settings || r >= w->o->reps) {
        return UINT32_MAX;
    }
    uint32_t i = s * w->o->reps + r;
    sweep_plan_run_name(w, i, again, sizeof again);
    return strcmp(again, name) == 0 ? i : UINT32_MAX;
}

static int sweep_dir_planned_setting(const sweep *w, const char *name)
{
    unsigned s;
    char again[64];
    if (sscanf(name, "setting-%u", &s) != 1 || s >= w->settings) {
        return 0;
    }
    sweep_plan_setting_name(s, again, sizeof again);
    return strcmp(again, name) == 0;
}

/* A planned name in the sweep folder must be a folder (or absent): never write through a link. */
static sim_err sweep_dir_check(const sweep *w, const char *name, char *msg, size_t len)
{
    struct stat st;
    if (fstatat(w->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
        snprintf(msg, len, "%s/%s is a %s, not a folder this sweep made; move it away or choose "
                 "another --out", w->dir, name, S_ISLNK(st.st_mode) ? "symbolic link" : "file");
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* The run-* and setting-* names of the sweep folder (malloc'd), read before anything is removed. */
static char **sweep_dir_list(const sweep *w, uint32_t *n)
{
    int dup_fd = dup(w->dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    char **names = NULL;
    uint32_t cap = 0;
    *n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, "run-", 4) != 0 && strncmp(e->d_name, "setting-", 8) != 0) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (more == NULL) {
                break;
            }
            names = more;
        }
        names[*n] = strdup(e->d_name);
        *n += names[*n] != NULL;
    }
    if (d != NULL) {
        closedir(d);
    } else if (dup_fd >= 0) {
        close(dup_fd);
    }
    return names;
}

/* Stale run-* and every setting-* folder: emptied of what mycosim wrote, removed if then empty. */
static void sweep_dir_tidy(sweep *w)
{
    uint32_t n;
    char **names = sweep_dir_list(w, &n);
    for (uint32_t k = 0; k < n; k++) {
        int run = strncmp(names[k], "run-", 4) == 0;
        int planned = run ? sweep_dir_planned_run(w, names[k]) != UINT32_MAX
                          : sweep_dir_planned_setting(w, names[k]);
        if (!(run && planned)) {
            sweep_dir_clean(w, names[k], !planned);
        }
        free(names[k]);
    }
    free(names);
    sweep_dir_unlink_tmps(w, w->dfd);
}

/*
 * Before launching: no planned name may be a link or a file (checked before
 * anything is touched); every planned run is complete (kept, not run again)
 * or its folder is emptied of what mycosim wrote; folders outside the plan
 * are emptied and removed. What stays that mycosim did not write is
 * counted in w->kept (sweep.c prints the note).
 */
sim_err sweep_dir_prepare(sweep *w, char *msg, size_t len)
{
    for (uint32_t s = 0; s < w->settings; s++) {
        char name[64];
        sweep_plan_setting_name(s, name, sizeof name);
        SIM_TRY(sweep_dir_check(w, name, msg, len));
    }
    for (uint32_t i = 0; i < w->total; i++) {
        char name[64];
        sweep_plan_run_name(w, i, name, sizeof name);
        SIM_TRY(sweep_dir_check(w, name, msg, len));
    }
    for (uint32_t i = 0; i < w->total; i++) {
        char name[64];
        sweep_plan_run_name(w, i, name, sizeof name);
        sweep_job *j = &w->jobs[i];
        j->err_fd = -1;
        j->summary = sweep_dir_load_run(w, i, &j->ok);
        if (j->ok) {
            j->state = SWEEP_REUSED;
            w->reused++;
            continue;
        }
        free(j->summary);
        j->summary = NULL;
        sweep_dir_clean(w, name, 0);
    }
    sweep_dir_tidy(w);
    w->complete = w->finished = w->reused;
    return SIM_OK;
}

/* Make run i's folder (a folder, not a link planted since the check) and write its marker. */
sim_err sweep_dir_write_marker(sweep *w, uint32_t i, const char *dir, char *msg, size_t len)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "cannot create %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, len, "%s is not a folder this sweep made (a link or a file)", dir);
        return SIM_EIO;
    }
    trace_file t;
    SIM_TRY(trace_open(&t, dir, SWEEP_MARKER, msg, len));
    sweep_dir_marker_text(w, i, t.f);
    return trace_commit(&t, msg, len);
}

/*
 * The sweep folder's own manifest. What the previous sweep (or run) here
 * listed, did not write again this time and is still that very file goes
 * first -- a figure no longer drawn, such as sweep_heat.png once only one
 * key varies, or every figure under --no-plot -- so no stale file stays
 * beside the new tables; then names[0 .. k-1] are listed.
 */
sim_err sweep_dir_write_top(sweep *w, char names[][TRACE_NAME_MAX], uint32_t k, char *msg, size_t len)
{
    trace_manifest_unlink(w->dfd, names, k);
    return trace_manifest_write(w->dir, w->dfd, "sweep", names, k, msg, len);
}
