/* Logging to stderr with a level set once at start-up. */
#include "core.h"

static enum log_level level = LOG_LVL_WARN;

void log_set_level(enum log_level l)
{
	level = l;
}
enum log_level log_get_level(void)
{
	return level;
}

static void vlog(enum log_level l, const char *tag, const char *fmt, va_list ap)
{
	if (l > level)
		return;
	fputs("routemark: ", stderr);
	if (tag)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOGFN(name, lvl, tag)                                                                      \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(lvl, tag, fmt, ap);                                                           \
		va_end(ap);                                                                        \
	}

LOGFN(log_err, LOG_LVL_ERR, "error: ")
LOGFN(log_warn, LOG_LVL_WARN, "warning: ")
LOGFN(log_info, LOG_LVL_INFO, NULL)
LOGFN(log_debug, LOG_LVL_DEBUG, "debug: ")
