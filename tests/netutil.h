/* Loopback ports for the tests that start servers (stayrtr, nats-server, FRR, ExaBGP). */
#ifndef ROUTEMARK_TEST_NETUTIL_H
#define ROUTEMARK_TEST_NETUTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

/* A TCP port free now on addr (NULL: 127.0.0.1): bound once by the kernel's choice, then
 * closed for the server to take. */
static inline int loopback_free_port(const char *addr)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, addr ? addr : "127.0.0.1", &a.sin_addr);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* 1 when something accepts connections on 127.0.0.1:port. */
static inline int loopback_port_open(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

#endif
