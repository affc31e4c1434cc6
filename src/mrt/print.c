/* The output formats of `routemark dump`, chosen by name from one table; one formatter per file
 * (print_bgpdump.c, print_jsonl.c). */
#include <string.h>

#include "mrt/mrt_private.h"

extern const struct mrt_printer mrt_print_bgpdump, mrt_print_jsonl;

const struct mrt_printer *const mrt_printers[] = {&mrt_print_bgpdump, &mrt_print_jsonl, NULL};

const struct mrt_printer *mrt_printer_find(const char *name)
{
	for (int i = 0; mrt_printers[i]; i++)
		if (strcmp(name, mrt_printers[i]->name) == 0)
			return mrt_printers[i];
	return NULL;
}
