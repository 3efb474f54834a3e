/*
 * trace.c -- atomic output files, byte-stable CSV formatting and the
 * identity lines of manifests (see trace.h).
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int trace_create(const char *path)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(path, flags, 0666);
    if (fd < 0 && errno == EEXIST && unlink(path) == 0) {
        fd = open(path, flags, 0666);   /* a stale temporary (or a planted link) is gone */
    }
    return fd;
}

sim_err trace_open(trace_file *t, const char *dir, const char *name, char *msg, size_t len)
{
    snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp", t->path);
    int fd = trace_create(t->tmp);
    t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (t->f == NULL) {
        snprintf(msg, len, "cannot write %s: %s", t->tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(t->tmp);
        }
        return SIM_EIO;
    }
    return SIM_OK;
}

sim_err trace_commit(trace_file *t, char *msg, size_t len)
{
    if (t->f == NULL) {
        return SIM_OK;
    }
    int bad = ferror(t->f);
    bad |= fclose(t->f) != 0;
    t->f = NULL;
    if (bad || rename(t->tmp, t->path) != 0) {
        snprintf(msg, len, "cannot write %s: %s", t->path, strerror(errno));
        unlink(t->tmp);
        return SIM_EIO;
    }
    return SIM_OK;
}

void trace_discard(trace_file *t)
{
    if (t->f != NULL) {
        fclose(t->f);
        t->f = NULL;
        unlink(t->tmp);
    }
}

void trace_num(FILE *f, double v)
{
    if (isnan(v)) {
        fputs("nan", f);
    } else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        fprintf(f, "%.0f", v == 0.0 ? 0.0 : v);
    } else {
        fprintf(f, "%.10g", v);
    }
}

void trace_time(FILE *f, sim_time t)
{
    uint64_t u = (uint64_t)t;
    if (t < 0) {
        fputc('-', f);
        u = 0 - u;                       /* exact even for INT64_MIN */
    }
    long long whole = (long long)(u / SIM_NS_PER_S);
    long long frac = (long long)(u % SIM_NS_PER_S);
    if (frac == 0) {
        fprintf(f, "%lld", whole);
        return;
    }
    char digits[16];
    snprintf(digits, sizeof digits, "%09lld", frac);
    size_t n = strlen(digits);
    while (n > 0 && digits[n - 1] == '0') {
        digits[--n] = '\0';
    }
    fprintf(f, "%lld.%s", whole, digits);
}

void trace_text(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

int trace_identity(int dfd, const char *name, char *out, size_t len)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    int n = snprintf(out, len, "%s %llu %llu %llu %lld %ld", name, (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    return n > 0 && (size_t)n < len;
}

/* --- Manifests ----------------------------------------------------------------- */

static int trace_named(char names[][TRACE_NAME_MAX], uint32_t k, const char *name)
{
    for (uint32_t i = 0; i < k; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

void trace_manifest_unlink(int dfd, char keep[][TRACE_NAME_MAX], uint32_t nkeep)
{
    int fd = openat(dfd, TRACE_MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char line[512], name[256], now[512], tmp[300];
    int ours = f != NULL && fgets(line, sizeof line, f) != NULL
               && strncmp(line, TRACE_MANIFEST_HEAD, strlen(TRACE_MANIFEST_HEAD)) == 0;
    while (ours && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%255s", name) != 1 || name[0] == '.' || name[0] == '#'
            || strchr(name, '/') != NULL || trace_named(keep, nkeep, name)) {
            continue;
        }
        if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", name) < sizeof tmp) {
            (void)unlinkat(dfd, tmp, 0);
        }
        if (trace_identity(dfd, name, now, sizeof now) && strcmp(now, line) == 0) {
            (void)unlinkat(dfd, name, 0);
        }
    }
    if (f != NULL) {
        fclose(f);
    } else if (fd >= 0) {
        close(fd);
    }
    if (ours) {
        (void)unlinkat(dfd, TRACE_MANIFEST, 0);
    }
}

sim_err trace_manifest_write(const char *dir, int dfd, const char *who, char names[][TRACE_NAME_MAX],
                             uint32_t k, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, dir, TRACE_MANIFEST, msg, len));
    fprintf(t.f, TRACE_MANIFEST_HEAD " mycosim %s here (name dev inode size mtime); a later\n"
            "# %s into this folder removes them if they are still these very files\n", who, who);
    for (uint32_t q = 0; q < k; q++) {
        char id[512];
        if (trace_identity(dfd, names[q], id, sizeof id)) {
            fprintf(t.f, "%s\n", id);
        }
    }
    return trace_commit(&t, msg, len);
}

sim_err trace_mkdirs(const char *dir, char *msg, size_t len)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                snprintf(msg, len, "cannot create %s: %s", buf, strerror(errno));
                return SIM_EIO;
            }
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "cannot create %s: %s", buf, strerror(errno));
        return SIM_EIO;
    }
    return SIM_OK;
}

static int trace_is_control(unsigned char c)
{
    return c < 32 || c == 127;
}

void trace_escaped(FILE *f, const char *s, size_t len)
{
    const unsigned char *c = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (trace_is_control(c[i])) {
            fprintf(f, "\\%03o", (unsigned)c[i]);
        } else {
            fputc(c[i], f);
        }
    }
}

void trace_one_line(const char *in, char *out, size_t len)
{
    size_t k = 0;
    for (const unsigned char *c = (const unsigned char *)in; *c && k + 5 < len; c++) {
        if (trace_is_control(*c)) {
            k += (size_t)snprintf(out + k, len - k, "\\%03o", (unsigned)*c);
        } else {
            out[k++] = (char)*c;
        }
    }
    out[k < len ? k : len - 1] = '\0';
}
