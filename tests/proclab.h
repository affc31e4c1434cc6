/*
 * The daemons a lab test starts (FRR, ExaBGP, GoBGP, stayrtr, routemark): each in its own
 * process group, its output to a log file, stopped as a group by PID; and the log files read
 * back. One copy for tests/test_live_lab.c and tests/test_gobgp_lab.c.
 */
#ifndef ROUTEMARK_TESTS_PROCLAB_H
#define ROUTEMARK_TESTS_PROCLAB_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#include "core/core.h"

static inline void proc_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Start argv in its own process group, standard input /dev/null, output to logpath. */
static inline pid_t proc_spawn(const char *logpath, char *const argv[])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid); /* both sides: no race with a kill of the group */
	return pid;
}

/* SIGTERM to the process group, wait; SIGKILL after timeout_s, and to what is left of the group
 * (a daemon's helpers). Returns the exit status; *pid becomes 0. */
static inline int proc_stop(pid_t *pid, double timeout_s)
{
	int st = -1;
	if (*pid <= 0)
		return st;
	kill(-*pid, SIGTERM);
	double end = clock_mono() + timeout_s;
	for (;;) {
		pid_t r = waitpid(*pid, &st, WNOHANG);
		if (r == *pid || (r < 0 && errno != EINTR))
			break;
		if (clock_mono() > end) {
			kill(-*pid, SIGKILL);
			waitpid(*pid, &st, 0);
			break;
		}
		proc_sleep_ms(20);
	}
	kill(-*pid, SIGKILL);
	*pid = 0;
	return st;
}

static inline int proc_alive(pid_t pid)
{
	return pid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

/* All a stream gives (empty string at least); the caller frees. */
static inline char *proc_slurp_stream(FILE *f)
{
	char *s = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			s = realloc(s, cap);
			assert_non_null(s);
		}
		memcpy(s + len, chunk, n);
		len += n;
	}
	if (s == NULL)
		return xstrdup("");
	s[len] = '\0';
	return s;
}

/* The whole of a file (empty when absent); the caller frees. */
static inline char *proc_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return xstrdup("");
	char *s = proc_slurp_stream(f);
	fclose(f);
	return s;
}

static inline int proc_file_has(const char *path, const char *needle)
{
	char *s = proc_slurp(path);
	int r = strstr(s, needle) != NULL;
	free(s);
	return r;
}

#endif
