/*
 * The processes the bus tests start (nats-server, routemark): spawned with their output in a
 * temporary folder, killed with the test (PDEATHSIG), stopped by PID in the teardown even after
 * a failure. One copy for tests/test_bus.c and tests/test_batch.c.
 */
#ifndef ROUTEMARK_TESTS_NATSLAB_H
#define ROUTEMARK_TESTS_NATSLAB_H

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "netutil.h"

#include "core/core.h"

static struct lab {
	char dir[256];
	pid_t pid[3];
	int port[3], cport[3];
} lab;

static inline void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* nats-server with argv, output to DIR/log; dies with the test (PDEATHSIG). */
static inline pid_t spawn(const char *log, char *const argv[])
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", lab.dir, log);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static inline void wait_port(int port, pid_t pid)
{
	double end = clock_mono() + 15;
	while (!loopback_port_open(port)) {
		assert_true(waitpid(pid, NULL, WNOHANG) == 0); /* still running */
		assert_true(clock_mono() < end);
		sleep_ms(20);
	}
}

static inline void stop_pid(pid_t *pid, int sig)
{
	if (*pid <= 0)
		return;
	kill(*pid, sig);
	double end = clock_mono() + 5;
	int st;
	while (waitpid(*pid, &st, WNOHANG) == 0) {
		if (clock_mono() > end) {
			kill(*pid, SIGKILL);
			waitpid(*pid, &st, 0);
			break;
		}
		sleep_ms(10);
	}
	*pid = 0;
}

static inline int setup(void **state)
{
	memset(&lab, 0, sizeof(lab));
	snprintf(lab.dir, sizeof(lab.dir), "/tmp/rm-bus-XXXXXX");
	return mkdtemp(lab.dir) ? 0 : -1;
}

static inline int teardown(void **state)
{
	for (int i = 0; i < 3; i++)
		stop_pid(&lab.pid[i], SIGTERM);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", lab.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline void start_nats1(void)
{
	char port[16], sd[300];
	lab.port[0] = loopback_free_port(NULL);
	snprintf(port, sizeof(port), "%d", lab.port[0]);
	snprintf(sd, sizeof(sd), "%s/js", lab.dir);
	char *argv[] = {"nats-server", "-a", "127.0.0.1", "-p", port, "-js", "-sd", sd, NULL};
	lab.pid[0] = spawn("nats.log", argv);
	wait_port(lab.port[0], lab.pid[0]);
}

/* 1 when nats-server is installed, else 0 after a FAIL line (scripts/deps.sh installs it: a
 * missing server is a broken set-up, never a skip). */
static inline int natslab_have_server(void)
{
	if (system("command -v nats-server >/dev/null 2>&1") == 0)
		return 1;
	printf("FAIL: nats-server is not installed (scripts/deps.sh installs it)\n");
	return 0;
}

#endif
