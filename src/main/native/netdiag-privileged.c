/*
 * netdiag-privileged: the one file of an installed netdiag that holds privileges (the dumpcap model).
 *
 * Installed root:netdiag, mode 0750, with the file capabilities cap_net_raw,cap_net_admin+ep, so only
 * members of group netdiag can run it. It starts netdiag's own launcher (ROOT/bin/netdiag), which starts the
 * bundled runtime on netdiag's own jar with fixed JVM arguments, with an emptied environment and CAP_NET_RAW +
 * CAP_NET_ADMIN raised as ambient capabilities, for the subcommands that need them (live capture, raw ICMP)
 * and no others.
 *
 * Why not setcap the runtime's bin/java: a binary with file capabilities runs in secure-execution mode,
 * where the loader drops the jlink image's $ORIGIN rpath (bin/java cannot find libjli.so), and HotSpot
 * would still honour JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS and CLASSPATH, which would hand the group a
 * capability-holding JVM that runs any code it is given. Here the JVM gets the capabilities as ambient
 * ones, is started without secure-execution, and is never told anything the caller chose except the
 * arguments to netdiag's main class. See native-notes/privileges.md for the threat model.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_PRIVILEGE 3

/* Subcommands that need raw sockets or a capture handle; the rest of netdiag never runs privileged. */
static const char *const PRIVILEGED[] = {"capture", "ping", "trace", "diagnose", "doctor"};

/* Environment kept for the JVM: names only, each value checked against a small alphabet. */
static const char *const KEPT[] = {"TERM", "COLUMNS", "LINES", "NO_COLOR", "LANG", "LC_ALL", "LC_CTYPE"};

static void fail(int code, const char *what, const char *detail) {
    fprintf(stderr, "netdiag: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(code);
}

/* snprintf that refuses to truncate: a cut path would name another file. */
__attribute__((format(printf, 3, 4))) static void format_path(char *out, size_t size, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out, size, format, ap);
    va_end(ap);
    if (n < 0 || (size_t) n >= size) {
        fail(EXIT_PRIVILEGE, "netdiag's installation path is too long", NULL);
    }
}

/* Values with letters, digits and ._@:+- only: no paths, no option syntax, nothing a loader interprets. */
static int plain_value(const char *v) {
    size_t n = strlen(v);
    if (n > 64) {
        return 0;
    }
    for (const char *p = v; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._@:+-", c))) {
            return 0;
        }
    }
    return 1;
}

/* The file must belong to root and be writable by root alone, or the helper could run someone's code. */
static void check_trusted(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        fail(EXIT_PRIVILEGE, "netdiag's privileged helper cannot find its installation", path);
    }
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || S_ISLNK(st.st_mode)) {
        fail(EXIT_PRIVILEGE, "netdiag's privileged helper refuses an installation not owned and written by root only",
             path);
    }
}

/* Every directory from / down to dir, and dir itself. */
static void check_trusted_tree(const char *dir) {
    char buf[PATH_MAX];
    format_path(buf, sizeof buf, "%s", dir);
    check_trusted("/");
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            check_trusted(buf);
            *p = '/';
        }
    }
    check_trusted(buf);
}

static void raise_ambient(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    const unsigned wanted = (1u << CAP_NET_RAW) | (1u << CAP_NET_ADMIN);
    if (syscall(SYS_capget, &header, data) != 0) {
        fail(EXIT_PRIVILEGE, "cannot read capabilities", strerror(errno));
    }
    if ((data[0].permitted & wanted) != wanted) {
        fail(EXIT_PRIVILEGE, "netdiag's privileged helper has no cap_net_raw,cap_net_admin",
             "as root: setcap cap_net_raw,cap_net_admin+ep on it (the .deb's postinst does)");
    }
    /* exactly these two: permitted, effective and inheritable (ambient needs inheritable) */
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        data[i].permitted = data[i].effective = data[i].inheritable = 0;
    }
    data[0].permitted = data[0].effective = data[0].inheritable = wanted;
    if (syscall(SYS_capset, &header, data) != 0) {
        fail(EXIT_PRIVILEGE, "cannot set capabilities", strerror(errno));
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0
            || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) != 0
            || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) != 0) {
        fail(EXIT_PRIVILEGE, "cannot raise ambient capabilities", strerror(errno));
    }
}

int main(int argc, char **argv) {
    /* the subcommand: the first argument after netdiag's root options */
    int first = 1;
    while (first < argc && (strcmp(argv[first], "--json") == 0 || strcmp(argv[first], "--debug") == 0)) {
        first++;
    }
    const char *subcommand = first < argc ? argv[first] : "";
    int allowed = 0;
    for (size_t i = 0; i < sizeof PRIVILEGED / sizeof *PRIVILEGED; i++) {
        allowed |= strcmp(subcommand, PRIVILEGED[i]) == 0;
    }
    if (!allowed) {
        fail(EXIT_USAGE, "netdiag-privileged runs only capture, ping, trace, diagnose and doctor",
             "run netdiag itself for the rest");
    }

    /* the installation: this file's real location is ROOT/libexec/netdiag-privileged (the kernel says where) */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fail(EXIT_PRIVILEGE, "cannot find netdiag's installation", strerror(errno));
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    *slash = '\0';
    slash = strrchr(self, '/');
    if (slash == NULL || strcmp(slash, "/libexec") != 0) {
        fail(EXIT_PRIVILEGE, "netdiag-privileged must live in ROOT/libexec", self);
    }
    *slash = '\0';
    const char *root = self[0] ? self : "/";

    char launcher[PATH_MAX], path[PATH_MAX];
    format_path(launcher, sizeof launcher, "%s/bin/netdiag", root);
    check_trusted_tree(root);
    const char *const trusted[] = {"bin", "bin/netdiag", "lib", "lib/netdiag.jar", "lib/aot",
                                   "runtime", "runtime/bin", "runtime/bin/java", "runtime/lib", "runtime/lib/modules",
                                   "runtime/lib/libjli.so", "runtime/lib/server", "runtime/lib/server/libjvm.so",
                                   "runtime/conf"};
    for (size_t i = 0; i < sizeof trusted / sizeof *trusted; i++) {
        format_path(path, sizeof path, "%s/%s", root, trusted[i]);
        check_trusted(path);
    }
    format_path(path, sizeof path, "%s/lib/aot/%s.aot", root, subcommand);
    if (access(path, F_OK) == 0) {
        check_trusted(path);
    }
    /* the shell that runs the launcher: the system's (/usr/bin/bash on merged-/usr systems) */
    const char *bash = access("/usr/bin/bash", X_OK) == 0 ? "/usr/bin/bash" : "/bin/bash";
    struct stat st;
    if (stat(bash, &st) != 0 || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        fail(EXIT_PRIVILEGE, "netdiag's privileged helper needs a root-owned bash", bash);
    }

    /* the environment: emptied, then a few terminal and locale settings whose values are plain words */
    const char *kept_values[sizeof KEPT / sizeof *KEPT];
    for (size_t i = 0; i < sizeof KEPT / sizeof *KEPT; i++) {
        const char *v = getenv(KEPT[i]);
        kept_values[i] = v != NULL && plain_value(v) ? strdup(v) : NULL;
    }
    if (clearenv() != 0) {
        fail(EXIT_PRIVILEGE, "cannot clear the environment", NULL);
    }
    for (size_t i = 0; i < sizeof KEPT / sizeof *KEPT; i++) {
        if (kept_values[i] != NULL) {
            setenv(KEPT[i], kept_values[i], 1);
        }
    }
    setenv("PATH", "/usr/bin:/bin", 1);

    raise_ambient();

    /*
     * The launcher, ROOT/bin/netdiag, told by NETDIAG_PRIVILEGED=1 that it holds capabilities: it adds no
     * attaching (-XX:+DisableAttachMechanism), chooses the JVM flags and AOT cache for the subcommand as it
     * does for everyone, and execs ROOT/runtime/bin/java -cp ROOT/lib/netdiag.jar io.netdiag.cli.Main with the
     * caller's arguments after the main class. bash -p reads no startup file and imports no function.
     */
    setenv("NETDIAG_PRIVILEGED", "1", 1);
    char **args = calloc(4 + (size_t) argc, sizeof *args);
    if (args == NULL) {
        fail(EXIT_PRIVILEGE, "out of memory", NULL);
    }
    size_t k = 0;
    args[k++] = (char *) bash;
    args[k++] = "-p";
    args[k++] = "--";
    args[k++] = launcher;
    for (int i = 1; i < argc; i++) {
        args[k++] = argv[i];
    }
    args[k] = NULL;
    execv(bash, args);
    fail(EXIT_PRIVILEGE, "cannot start netdiag's launcher", strerror(errno));
    return EXIT_PRIVILEGE;
}
