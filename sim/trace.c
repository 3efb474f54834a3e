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
