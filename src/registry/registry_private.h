/* registry internals shared by its files. */
#ifndef ROUTEMARK_REGISTRY_PRIVATE_H
#define ROUTEMARK_REGISTRY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* Call fn(line, len, lineno, arg) for every line of a plain or gzip file (newline and CR
 * removed; lines longer than 64 KiB are cut and reported). Returns -1 when the file cannot
 * be read (logged), else 0. */
typedef void (*reg_line_fn)(const char *line, size_t len, uint64_t lineno, void *arg);
int reg_each_line(const char *path, reg_line_fn fn, void *arg);

#endif
