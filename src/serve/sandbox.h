/*
 * Confinement of the servers (`serve`, `irr serve`): as root they refuse to start unless told
 * which user to become (--user, --group); once their sockets are bound they drop to that user
 * for good, and on Linux they give up what they will not need with no_new_privs and Landlock
 * (the kernel's unprivileged sandbox): reading only beneath the paths they name, writing
 * nowhere (files opened before, like the access log, stay usable), no new TCP binds or
 * connections. A kernel without Landlock is logged once and the server goes on.
 */
#ifndef ROUTEMARK_SANDBOX_H
#define ROUTEMARK_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct privdrop {
	int active; /* a user to become was given */
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Before anything else: as root, user is required (NULL: refused with a clear message);
 * resolve user (and group, default the user's primary group) while /etc is readable. As
 * another user, --user must name that user (nothing to drop). who names the command in
 * messages ("serve", "irr serve"). Returns 0, or -1 (logged). */
int privdrop_prepare(const char *who, const char *user, const char *group, struct privdrop *p);

/* Become p's user and group for good: setgroups, setresgid, setresuid, then check that
 * neither root's user nor its group can be regained. No-op when !p->active. 0 or -1 (logged:
 * the caller must stop). */
int privdrop_apply(const char *who, const struct privdrop *p);

/* no_new_privs, then (Landlock) read access beneath each of the nro paths (directories or
 * files), no other file access, no TCP bind or connect. A kernel without Landlock is logged
 * (once) and 0 is returned; -1 (logged) when a sandbox the kernel offers could not be set.
 * Applies to the calling thread and the threads it starts later: call it before starting
 * any. */
int sandbox_restrict(const char *who, const char *const *ro, size_t nro);
/* The same, with TCP connections to the nports ports allowed (a PostgreSQL store: its
 * connections can be opened again after the server restarted). */
int sandbox_restrict_net(
    const char *who, const char *const *ro, size_t nro, const uint16_t *ports, size_t nports);

/* Whether Landlock confined this process: 1 yes, 0 not available, -1 not tried. */
int sandbox_landlocked(void);

#endif
