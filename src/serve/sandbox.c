/* Dropping root and confining the servers: see sandbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/core.h"
#include "serve/sandbox.h"

#ifdef __linux__
#include <linux/landlock.h>
#endif

int privdrop_prepare(const char *who, const char *user, const char *group, struct privdrop *p)
{
	memset(p, 0, sizeof(*p));
	if (user == NULL) {
		if (geteuid() == 0 || getuid() == 0) {
			log_err(
			    "%s: refusing to run as root: give --user NAME (and --group NAME) to "
			    "run as after binding the socket",
			    who);
			return -1;
		}
		if (group) {
			log_err("%s: --group needs --user", who);
			return -1;
		}
		return 0;
	}
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		log_err("%s: --user %s: no such user", who, user);
		return -1;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	snprintf(p->name, sizeof(p->name), "%s", user);
	if (group) {
		struct group *gr = getgrnam(group);
		if (gr == NULL) {
			log_err("%s: --group %s: no such group", who, group);
			return -1;
		}
		p->gid = gr->gr_gid;
	}
	if (p->uid == 0) {
		log_err("%s: --user %s: that is root; name an unprivileged user", who, user);
		return -1;
	}
	if (geteuid() != 0) {
		if (geteuid() != p->uid || getegid() != p->gid) {
			log_err("%s: --user %s: only root can become another user", who, user);
			return -1;
		}
		return 0; /* already that user: nothing to drop */
	}
	p->active = 1;
	return 0;
}

int privdrop_apply(const char *who, const struct privdrop *p)
{
	if (!p->active)
		return 0;
	if (setgroups(1, &p->gid) != 0 || setresgid(p->gid, p->gid, p->gid) != 0 ||
	    setresuid(p->uid, p->uid, p->uid) != 0) {
		log_err("%s: cannot become user %s: %s", who, p->name, strerror(errno));
		return -1;
	}
	/* for good: none of the ids may be root again, and going back must fail */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 || ru != p->uid ||
	    eu != p->uid || su != p->uid || rg != p->gid || eg != p->gid || sg != p->gid ||
	    setuid(0) == 0 || seteuid(0) == 0 || (p->gid != 0 && setegid(0) == 0)) {
		log_err("%s: dropping to user %s did not hold: stopping", who, p->name);
		return -1;
	}
	log_info("%s: running as user %s (uid %u, gid %u)", who, p->name, (unsigned)p->uid,
	    (unsigned)p->gid);
	return 0;
}

static int landlocked = -1;

int sandbox_landlocked(void)
{
	return landlocked;
}

#if defined(__linux__) && defined(SYS_landlock_create_ruleset)

/* Rights of newer kernels than the header may know. */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)  /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_FS_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define LL_FS_REFER (1ULL << 13)      /* ABI 2 */

/* struct landlock_ruleset_attr as of ABI 4 (the header may be older); the kernel reads the
 * size it is given. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs, handled_access_net;
};
/* struct landlock_net_port_attr (ABI 4) */
#define LL_RULE_NET_PORT 2
struct ll_net_port_attr {
	uint64_t allowed_access, port;
};

static const char *landlock_why(int e)
{
	return e == ENOSYS       ? "the kernel has no Landlock"
	       : e == EOPNOTSUPP ? "Landlock is disabled in this kernel"
	                         : strerror(e);
}

static int landlock(
    const char *who, const char *const *ro, size_t nro, const uint16_t *ports, size_t nports)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			log_warn("%s: %s: going on without its file-system sandbox", who,
			    landlock_why(errno));
			landlocked = 0;
			return 0;
		}
		log_err("%s: landlock: %s", who, strerror(errno));
		return -1;
	}
	struct ll_ruleset_attr ra = {0};
	ra.handled_access_fs = LL_FS_ABI1;
	if (abi >= 2)
		ra.handled_access_fs |= LL_FS_REFER;
	if (abi >= 3)
		ra.handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		ra.handled_access_fs |= LL_FS_IOCTL_DEV;
	size_t size = sizeof(uint64_t);
	if (abi >= 4) {
		ra.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = sizeof(ra);
	}
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, size, 0);
	if (rfd < 0) {
		log_err("%s: landlock ruleset: %s", who, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < nro && rc == 0; i++) {
		int fd = open(ro[i], O_PATH | O_CLOEXEC);
		if (fd < 0) {
			log_err("%s: landlock: %s: %s", who, ro[i], strerror(errno));
			rc = -1;
			break;
		}
		struct stat st;
		uint64_t access = LANDLOCK_ACCESS_FS_READ_FILE;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			access |= LANDLOCK_ACCESS_FS_READ_DIR;
		struct landlock_path_beneath_attr pb = {.allowed_access = access, .parent_fd = fd};
		if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
			log_err("%s: landlock rule for %s: %s", who, ro[i], strerror(errno));
			rc = -1;
		}
		close(fd);
	}
	for (size_t i = 0; i < nports && rc == 0 && abi >= 4; i++) {
		struct ll_net_port_attr np = {
		    .allowed_access = LL_NET_CONNECT_TCP, .port = ports[i]};
		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) != 0) {
			log_err("%s: landlock rule for TCP port %u: %s", who, ports[i],
			    strerror(errno));
			rc = -1;
		}
	}
	if (rc == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) != 0) {
		log_err("%s: landlock_restrict_self: %s", who, strerror(errno));
		rc = -1;
	}
	close(rfd);
	if (rc == 0) {
		landlocked = 1;
		log_info("%s: Landlock ABI %ld: reads beneath %zu path%s only, no writes, no new "
		         "TCP binds, TCP connections to %zu port%s only",
		    who, abi, nro, nro == 1 ? "" : "s", nports, nports == 1 ? "" : "s");
	}
	return rc;
}
#else
static int landlock(
    const char *who, const char *const *ro, size_t nro, const uint16_t *ports, size_t nports)
{
	log_warn("%s: no Landlock on this system: going on without its file-system sandbox", who);
	landlocked = 0;
	return 0;
}
#endif

int sandbox_restrict(const char *who, const char *const *ro, size_t nro)
{
	return sandbox_restrict_net(who, ro, nro, NULL, 0);
}

int sandbox_restrict_net(
    const char *who, const char *const *ro, size_t nro, const uint16_t *ports, size_t nports)
{
#ifdef PR_SET_NO_NEW_PRIVS
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		log_err("%s: prctl(PR_SET_NO_NEW_PRIVS): %s", who, strerror(errno));
		return -1;
	}
#endif
	return landlock(who, ro, nro, ports, nports);
}
