/*
 * trace.h -- output files written whole or not at all, and CSV number format.
 *
 * A trace_file writes to "<path>.tmp" and is renamed to <path> only by
 * trace_commit(); trace_discard() removes the temporary. Numbers are printed
 * so that the same double gives the same bytes on every machine: integers
 * without a decimal point, other values with 10 significant digits, NaN as
 * "nan". Times are printed exactly from integer nanoseconds. A file's
 * identity (trace_identity) is the line a folder's manifest records for
 * it, shared by run.c and the sweep so both read each other's manifests;
 * the sweep and the tune keep theirs with trace_manifest_unlink and
 * trace_manifest_write.
 */
#ifndef MYCOSIM_TRACE_H
#define MYCOSIM_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "sim.h"

typedef struct trace_file {
    FILE *f;            /* open on the temporary, or NULL */
    char path[1024];    /* final name */
    char tmp[1040];     /* temporary name */
} trace_file;

/*
 * Create path exclusively (O_EXCL | O_NOFOLLOW): a file or symbolic link
 * already there is removed first, never written through. Returns the fd or -1.
 */
int trace_create(const char *path);

/* Open dir/name for writing through a temporary (made by trace_create); SIM_EIO with a message. */
sim_err trace_open(trace_file *t, const char *dir, const char *name, char *msg, size_t len)
    SIM_MUST_CHECK;
/* Flush, close and rename into place. */
sim_err trace_commit(trace_file *t, char *msg, size_t len) SIM_MUST_CHECK;
/* Close and remove the temporary (safe on a closed or never-opened file). */
void trace_discard(trace_file *t);

/* A number as CSV: integral values as integers, NaN as nan, else %.10g. */
void trace_num(FILE *f, double v);
/* A time in ns as exact seconds ("12", "0.05", "1.000000001"). */
void trace_time(FILE *f, sim_time t);
/* A text field, quoted (RFC 4180) if it holds a comma, quote, CR or LF. */
void trace_text(FILE *f, const char *s);

/*
 * in as one printable line into out (len bytes): control bytes (newline,
 * ESC, ...) become \ooo, so a message quoting a scenario's text can neither
 * span lines nor drive the terminal. Truncates at len.
 */
void trace_one_line(const char *in, char *out, size_t len);

/* The same escaping, of len bytes (NUL included, any length), written to f. */
void trace_escaped(FILE *f, const char *s, size_t len);

/*
 * The line that manifests (.mycosim-files) record for a regular file of
 * folder dfd as it is now: "name dev ino size mtime_s mtime_ns", without
 * following a link. A later writer removes a listed file only while this
 * line is unchanged. Returns 0 if name is not a regular file or the line
 * does not fit in len.
 */
int trace_identity(int dfd, const char *name, char *out, size_t len);

#define TRACE_MANIFEST ".mycosim-files"         /* a folder's manifest: runs, sweeps, tunes */
#define TRACE_MANIFEST_HEAD "# files written by"  /* how every manifest begins */
#define TRACE_NAME_MAX 180                         /* bytes of a name listed in a manifest */

/*
 * Remove from folder dfd the files its manifest lists that are still those
 * very files (trace_identity unchanged) and their .tmp, but those named in
 * keep[0 .. nkeep-1] (written again); then the manifest itself. A file that
 * does not begin as a manifest does is left alone. Plain names only.
 */
void trace_manifest_unlink(int dfd, char keep[][TRACE_NAME_MAX], uint32_t nkeep);

/*
 * Write dir's manifest (dfd: dir, open), listing names[0 .. k-1] as they are
 * now; who ("sweep", "tune") says which command wrote them. SIM_EIO.
 */
sim_err trace_manifest_write(const char *dir, int dfd, const char *who, char names[][TRACE_NAME_MAX],
                             uint32_t k, char *msg, size_t len) SIM_MUST_CHECK;

/* mkdir -p; SIM_EIO with a message. */
sim_err trace_mkdirs(const char *dir, char *msg, size_t len) SIM_MUST_CHECK;

#endif
