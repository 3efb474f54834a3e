/*
 * table.c -- tables a model writes itself (sim_table_declare), beside the
 * <model>.csv the core writes from samples.
 *
 * A model declares a table from init; nothing is written then. The run
 * opens every declared table with its other outputs (trace.h: a temporary
 * renamed at the end, or removed when the run fails), writes the header,
 * and the model appends rows cell by cell: `time` first, from the run's
 * clock, then its cells, numbers in trace.h's reproducible format and text
 * quoted as RFC 4180 needs. A row with too few or too many cells is a bug
 * of the model (SIM_ASSERT), not of the input. Files a model makes during
 * the run (sim_file_create: flow's DIMACS dumps) follow the same life.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#define TABLE_MAX 16    /* tables per run */

const char *const sim_map_columns[] = { "panel", "kind", "x", "y", "dx", "dy", "value", "label", NULL };

/* A plain file name: letters, digits, '_', '-', '.', not starting with '.'. */
static int table_name_ok(const char *file)
{
    size_t len = strlen(file);
    if (len == 0 || len >= 64 || file[0] == '.') {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = file[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-' || c == '.')) {
            return 0;
        }
    }
    return 1;
}

sim_table *sim_table_declare(sim_run *run, const char *file, const char *const *columns)
{
    if (!table_name_ok(file)) {
        sim_fail(run, SIM_EINTERNAL, "table '%s': not a plain file name", file);
        return NULL;
    }
    for (uint32_t i = 0; i < run->ntables; i++) {
        if (strcmp(run->tables[i].file, file) == 0) {
            sim_fail(run, SIM_EINTERNAL, "table '%s' declared twice", file);
            return NULL;
        }
    }
    if (run->ntables == TABLE_MAX) {
        sim_fail(run, SIM_EINTERNAL, "more than %d tables", TABLE_MAX);
        return NULL;
    }
    if (run->tables == NULL) {
        run->tables = calloc(TABLE_MAX, sizeof *run->tables);
        if (run->tables == NULL) {
            sim_fail(run, SIM_ENOMEM, "out of memory");
            return NULL;
        }
    }
    sim_table *t = &run->tables[run->ntables++];
    snprintf(t->file, sizeof t->file, "%s", file);
    t->columns = columns;
    t->owner = run;
    while (columns[t->ncolumns] != NULL) {
        t->ncolumns++;
    }
    return t;
}

/* Start a row (its time) on the first cell. */
static FILE *table_cell(sim_table *t)
{
    SIM_ASSERT(t->out.f != NULL && t->cell < t->ncolumns);
    if (t->cell == 0) {
        trace_time(t->out.f, t->owner->now);   /* the field: table.c sits below run.c */
    }
    t->cell++;
    fputc(',', t->out.f);
    return t->out.f;
}

void sim_table_text(sim_table *t, const char *text)
{
    trace_text(table_cell(t), text != NULL ? text : "");
}

void sim_table_num(sim_table *t, double value)
{
    trace_num(table_cell(t), value);
}

void sim_table_end_row(sim_table *t)
{
    SIM_ASSERT(t->out.f != NULL && t->cell == t->ncolumns);
    fputc('\n', t->out.f);
    t->cell = 0;
}

FILE *sim_file_create(sim_run *run, const char *name)
{
    if (!table_name_ok(name) || run->out_dir == NULL) {
        sim_fail(run, SIM_EINTERNAL, "file '%s': not a plain file name, or no output folder yet", name);
        return NULL;
    }
    for (uint32_t i = 0; i < run->ntables; i++) {
        if (strcmp(run->tables[i].file, name) == 0) {
            sim_fail(run, SIM_EINTERNAL, "file '%s' is also a table", name);
            return NULL;
        }
    }
    if (run->nfiles == run->capfiles) {
        uint32_t cap = run->capfiles ? 2 * run->capfiles : 16;
        trace_file *f = realloc(run->files, cap * sizeof *f);
        if (f == NULL) {
            sim_fail(run, SIM_ENOMEM, "out of memory");
            return NULL;
        }
        run->files = f;
        run->capfiles = cap;
    }
    trace_file *t = &run->files[run->nfiles];
    memset(t, 0, sizeof *t);
    if (trace_open(t, run->out_dir, name, run->errmsg, sizeof run->errmsg) != SIM_OK) {
        return NULL;
    }
    run->nfiles++;
    return t->f;
}

sim_err table_open_all(sim_run *run, const char *dir)
{
    run->out_dir = dir;
    for (uint32_t i = 0; i < run->ntables; i++) {
        sim_table *t = &run->tables[i];
        SIM_TRY(trace_open(&t->out, dir, t->file, run->errmsg, sizeof run->errmsg));
        fputs("time", t->out.f);
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            fprintf(t->out.f, ",%s", t->columns[c]);
        }
        fputc('\n', t->out.f);
    }
    return SIM_OK;
}

sim_err table_commit_all(sim_run *run)
{
    for (uint32_t i = 0; i < run->ntables; i++) {
        SIM_TRY(trace_commit(&run->tables[i].out, run->errmsg, sizeof run->errmsg));
    }
    for (uint32_t i = 0; i < run->nfiles; i++) {
        SIM_TRY(trace_commit(&run->files[i], run->errmsg, sizeof run->errmsg));
    }
    return SIM_OK;
}

void table_discard_all(sim_run *run)
{
    for (uint32_t i = 0; i < run->ntables; i++) {
        trace_discard(&run->tables[i].out);
    }
    for (uint32_t i = 0; i < run->nfiles; i++) {
        trace_discard(&run->files[i]);
    }
}

void table_free_all(sim_run *run)
{
    table_discard_all(run);
    free(run->tables);
    free(run->files);
    run->tables = NULL;
    run->files = NULL;
    run->ntables = 0;
    run->nfiles = 0;
    run->out_dir = NULL;
}
