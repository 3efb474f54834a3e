/*
 * keys.h -- the reference of every scenario key, generated from the
 * parameter tables (`mycosim keys`), so doc/scenarios.md cannot drift from
 * what the loader accepts.
 */
#ifndef MYCOSIM_KEYS_H
#define MYCOSIM_KEYS_H

#include <stdio.h>

/* Print one Markdown table per block: key, type, default, range, meaning. */
void keys_print_markdown(FILE *f);

#endif
