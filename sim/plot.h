/*
 * plot.h -- PNG plots of a model's CSV trace through gnuplot.
 */
#ifndef MYCOSIM_PLOT_H
#define MYCOSIM_PLOT_H

/*
 * Plot dir/<model>.csv (time, then columns) into dir/<model>.png, one panel
 * per column. Never fails the run: when gnuplot is missing or fails, a
 * one-line note goes to stderr (unless quiet) and no PNG is written.
 * Returns 1 if the PNG was written.
 */
int plot_model(const char *dir, const char *model, const char *const *columns, int quiet);

#endif
