package io.netdiag.dist;

import io.netdiag.testing.Host;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The .deb as a user gets it: built by the release script from the packaged jar, installed with dpkg on this
 * machine, used with the JDK hidden (a mount namespace with a tmpfs over /usr/lib/jvm and no java on PATH) by
 * root, by a member of group netdiag and by a non-member, then removed and purged without a file left behind. Then
 * the tarball of the same build, unpacked and given to group netdiag by README's own commands: a member captures and
 * pings through it, a non-member is refused.
 * The test user, the group and the package are removed on every path.
 */
class DebPackageIT {
    private static final Path PROJECT = Path.of(System.getProperty("netdiag.project.dir", ".")).toAbsolutePath();
    private static final String HELPER = "/usr/lib/netdiag/libexec/netdiag-privileged";
    private static final String USER = "nddist" + ProcessHandle.current().pid() % 100000;

    /** Runs a shell command line in a mount namespace where no JDK exists; fails unless java is really gone. */
    private static List<String> withoutJdk(String script) {
        return List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs netdiag-no-jdk /usr/lib/jvm && export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                        + " && if java -version 2>/dev/null || [ -e /usr/lib/jvm/" + Path.of(System.getProperty("java.home")).getFileName()
                        + " ]; then echo 'a JDK is still visible' >&2; exit 99; fi && exec " + script);
    }

    private static Host.Run hidden(String script) {
        Host.Run r = Host.run(withoutJdk(script), 120);
        assertTrue(r.exitCode() != 99, "the JDK was not hidden: " + r.err());
        return r;
    }

    /** setpriv as the test user, with group netdiag among its groups or without any supplementary group. */
    private static String as(int uid, int gid, Integer netdiagGid) {
        return "setpriv --reuid=" + uid + " --regid=" + gid
                + (netdiagGid == null ? " --clear-groups" : " --groups=" + netdiagGid) + " --inh-caps=-all ";
    }

    private static String version() throws Exception {
        try (JarFile jar = new JarFile(PROJECT.resolve("target/netdiag.jar").toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    private static int id(String... command) {
        Host.Run r = Host.run(command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r.err());
        return Integer.parseInt(r.out().trim());
    }

    private static boolean installed() {
        Host.Run r = Host.run("dpkg-query", "-W", "-f=${db:Status-Status}", "netdiag");
        return r.exitCode() == 0 && !r.out().trim().equals("not-installed");
    }

    /** dpkg, waiting while another apt-get or dpkg on this shared machine holds the lock. */
    private static Host.Run dpkg(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("dpkg"));
        command.addAll(List.of(args));
        Host.Run r = null;
        for (int attempt = 0; attempt < 60; attempt++) {
            r = Host.run(command, 180);
            // "dpkg frontend lock was locked by another process", "... lock ... is held by"
            if (r.exitCode() == 0 || !r.err().contains(" lock ")) {
                return r;
            }
            Thread.sleep(2000);
        }
        return r;
    }

    @Test
    void installUseAndRemoveWithoutAJdk() throws Exception {
        Host.requireRoot("installs a package and creates a user: needs root");
        Host.require("dpkg-deb", "unshare", "setpriv", "useradd", "getcap", "man", "lintian", "systemd-analyze");
        assertFalse(installed(), "a netdiag package is already installed here; this test installs and purges its own");
        boolean groupBefore = Host.run("getent", "group", "netdiag").exitCode() == 0;
        boolean exporterUserBefore = Host.run("getent", "passwd", "netdiag-exporter").exitCode() == 0;
        Path out = PROJECT.resolve("target/dist-it");
        Path opt = Path.of("/opt/" + USER);
        Process lintian = null;
        try {
            // build: the same script as mvn -Pdist package, the .deb and the tarball
            Host.Run build = Host.run(List.of("env", "NETDIAG_JDK=" + System.getProperty("java.home"),
                    "bash", PROJECT.resolve("src/main/dist/build.sh").toString(), PROJECT.toString(), version(), out.toString()), 600);
            assertEquals(0, build.exitCode(), build.err());
            Path deb;
            try (var files = Files.list(out)) {
                deb = files.filter(f -> f.toString().endsWith(".deb")).findFirst().orElseThrow();
            }
            assertTrue(Files.size(deb) <= 80L << 20, "the .deb is " + Files.size(deb) + " bytes, over 80 MiB");
            Host.Run sum = Host.run(List.of("sh", "-c", "cd " + out + " && sha256sum -c " + deb.getFileName() + ".sha256"), 60);
            assertEquals(0, sum.exitCode(), sum.out() + sum.err());
            // lintian takes half a minute: it runs while the package is installed and used
            Path lintianOut = Files.createTempFile("netdiag-lintian", ".out");
            lintian = new ProcessBuilder("lintian", "--fail-on", "error,warning", deb.toString())
                    .redirectErrorStream(true).redirectOutput(lintianOut.toFile()).start();
            Host.Run fields = Host.run("dpkg-deb", "-f", deb.toString(), "Depends");
            assertTrue(fields.out().contains("libpcap0.8") && !fields.out().toLowerCase().contains("java")
                    && !fields.out().contains("jdk") && !fields.out().contains("jre"), fields.out());

            // what existed before, so that removal can be compared with it
            Map<String, Boolean> existedBefore = new LinkedHashMap<>();
            Host.Run contents = Host.run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -t"), 120);
            for (String entry : contents.out().lines().toList()) {
                String path = entry.replaceFirst("^\\./?", "/").replaceAll("/$", "");
                if (!path.isEmpty() && !path.equals("/")) {
                    existedBefore.put(path, Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS));
                }
            }
            assertTrue(existedBefore.containsKey("/usr/lib/netdiag/runtime/bin/java"), existedBefore.keySet().toString());

            Host.Run install = dpkg("-i", deb.toString());
            assertEquals(0, install.exitCode(), install.out() + install.err());
            int netdiagGid = Integer.parseInt(Host.run("getent", "group", "netdiag").out().split(":")[2]);

            // the exporter's unit where packages put units, valid for systemd, and its user made: no login, no home
            Path unit = Path.of("/usr/lib/systemd/system/netdiag-exporter.service");
            assertTrue(Files.readAllLines(unit).contains("User=netdiag-exporter"), unit + " missing or without its user");
            Host.Run verify = Host.run("systemd-analyze", "verify", unit.toString()); // ExecStart, man page, keys
            assertEquals(0, verify.exitCode(), verify.out() + verify.err());
            String[] account = Host.run("getent", "passwd", "netdiag-exporter").out().trim().split(":");
            assertEquals(7, account.length, String.join(":", account));
            assertTrue(Integer.parseInt(account[2]) < 1000, "not a system user: " + String.join(":", account));
            assertEquals("/usr/sbin/nologin", account[6]);
            assertFalse(Files.exists(Path.of(account[5])), "the exporter's user has a home: " + account[5]);
            assertTrue(Files.exists(Path.of("/usr/share/doc/netdiag/examples/netdiag-alerts.yml")));

            // the helper: root:netdiag 0750 with exactly the two capabilities
            assertEquals("root netdiag 750", Host.run("stat", "-c", "%U %G %a", HELPER).out().trim());
            assertEquals(HELPER + " cap_net_admin,cap_net_raw=ep", Host.run("getcap", HELPER).out().trim());

            // root, no JDK: the runtime, the man pages, the completion
            Host.Run version = hidden("netdiag --version");
            assertEquals(0, version.exitCode(), version.err());
            assertTrue(version.out().startsWith("netdiag " + version()), version.out());
            Host.Run ping = hidden("netdiag ping -c 1 -W 2 127.0.0.1");
            assertEquals(0, ping.exitCode(), ping.out() + ping.err());
            assertTrue(ping.out().contains("1 packets transmitted, 1 received"), ping.out());
            Host.Run man = hidden("man -w netdiag-ping");
            assertEquals("/usr/share/man/man1/netdiag-ping.1.gz", man.out().trim(), man.err());
            Host.Run manZ = hidden("sh -c 'man -P cat netdiag-capture 2>/dev/null | grep -c -- --relinquish-privileges'");
            assertTrue(!manZ.out().trim().equals("0"), "man netdiag-capture has no -Z: " + manZ.out());
            Host.Run completion = hidden("bash -c '. /usr/share/bash-completion/completions/netdiag"
                    + " && COMP_WORDS=(netdiag pi) && COMP_CWORD=1 && COMP_LINE=\"netdiag pi\" && COMP_POINT=10"
                    + " && $(complete -p netdiag | sed -n \"s/.*-F \\([^ ]*\\).*/\\1/p\") && echo \"${COMPREPLY[*]}\"'");
            assertEquals(0, completion.exitCode(), completion.err());
            assertEquals("ping", completion.out().trim(), completion.err());

            // a member and a non-member of group netdiag
            Host.Run useradd = Host.run("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
            assertEquals(0, useradd.exitCode(), useradd.err());
            int uid = id("id", "-u", USER);
            int gid = id("id", "-g", USER);
            String member = as(uid, gid, netdiagGid);
            String nonMember = as(uid, gid, null);

            captureAsMember(member, "netdiag");
            Host.Run memberPing = hidden(member + "netdiag ping -c 1 -W 2 127.0.0.1");
            assertEquals(0, memberPing.exitCode(), memberPing.out() + memberPing.err());
            assertTrue(memberPing.out().contains("1 received"), memberPing.out());

            Host.Run refused = hidden(nonMember + "netdiag capture -i lo -c 1");
            assertEquals(3, refused.exitCode(), refused.out() + refused.err());
            List<String> lines = refused.err().lines().toList();
            assertEquals(2, lines.size(), refused.err());
            assertTrue(lines.get(0).startsWith("netdiag capture: cannot capture on lo"), refused.err());
            assertEquals("try: join group netdiag: usermod -aG netdiag " + USER + " (as root), then log in again; or run as root",
                    lines.get(1));
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ping_group_range")).trim();
            if (range.equals("1\t0") || range.equals("1 0")) {
                Host.Run refusedPing = hidden(nonMember + "netdiag ping -c 1 -W 2 127.0.0.1");
                assertEquals(3, refusedPing.exitCode(), refusedPing.out() + refusedPing.err());
                assertTrue(refusedPing.err().contains("\ntry: join group netdiag: usermod -aG netdiag " + USER), refusedPing.err());
            }

            // the privileged path ignores what the caller's environment tells a JVM (the unprivileged one obeys it)
            String agent = "env JAVA_TOOL_OPTIONS=-javaagent:/nonexistent.jar LD_PRELOAD=/nonexistent.so CLASSPATH=/tmp ";
            Host.Run memberAgent = hidden(agent + member + "netdiag ping -c 1 -W 2 127.0.0.1");
            assertEquals(0, memberAgent.exitCode(), memberAgent.out() + memberAgent.err());
            assertTrue(memberAgent.out().contains("1 received"), memberAgent.out());
            assertFalse(memberAgent.err().contains("Picked up JAVA_TOOL_OPTIONS"), memberAgent.err());
            Host.Run nonMemberAgent = hidden(agent + nonMember + "netdiag --version");
            assertTrue(nonMemberAgent.exitCode() != 0 && nonMemberAgent.err().contains("Picked up JAVA_TOOL_OPTIONS"),
                    "the unprivileged JVM should have tried the agent: " + nonMemberAgent.err());
            // the helper runs nothing but the subcommands that need privileges
            Host.Run other = hidden(member + HELPER + " sockets -tan");
            assertEquals(2, other.exitCode(), other.err());
            Host.Run shell = hidden(member + HELPER + " --json shell");
            assertEquals(2, shell.exitCode(), shell.err());

            assertTrue(lintian.waitFor(300, TimeUnit.SECONDS), "lintian did not finish");
            assertEquals(0, lintian.exitValue(), "lintian: " + Files.readString(lintianOut));
            Files.delete(lintianOut);

            // removal, then purge: nothing of the package is left, and what was there before still is
            Host.Run remove = dpkg("-r", "netdiag");
            assertEquals(0, remove.exitCode(), remove.out() + remove.err());
            assertLeftAsBefore(existedBefore);
            Host.Run purge = dpkg("--purge", "netdiag");
            assertEquals(0, purge.exitCode(), purge.out() + purge.err());
            assertFalse(installed(), "still known to dpkg after purge");
            assertLeftAsBefore(existedBefore);
            assertFalse(Files.exists(Path.of("/usr/lib/netdiag")));
            if (!groupBefore) {
                assertEquals(2, Host.run("getent", "group", "netdiag").exitCode(), "purge left the unused group netdiag");
            }
            if (!exporterUserBefore) {
                assertEquals(2, Host.run("getent", "passwd", "netdiag-exporter").exitCode(), "purge left the user netdiag-exporter");
                assertEquals(2, Host.run("getent", "group", "netdiag-exporter").exitCode(), "purge left the group netdiag-exporter");
            }

            // the tarball, set up for a group by README's own commands (sudo aside), in a root-owned place of the test's
            Path tarball;
            try (var files = Files.list(out)) {
                tarball = files.filter(f -> f.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
            }
            Host.Run tarSum = Host.run(List.of("sh", "-c", "cd " + out + " && sha256sum -c " + tarball.getFileName() + ".sha256"), 60);
            assertEquals(0, tarSum.exitCode(), tarSum.out() + tarSum.err());
            Files.createDirectories(opt);
            String setup = tarballSetup(tarball, opt);
            Host.Run setUp = Host.run(List.of("sh", "-ec", setup), 180);
            assertEquals(0, setUp.exitCode(), setup + "\n" + setUp.out() + setUp.err());
            String launcher = opt.resolve(tarball.getFileName().toString().replaceFirst("-linux-[^-]+\\.tar\\.gz$", ""))
                    .resolve("bin/netdiag").toString();
            int tarGid = Integer.parseInt(Host.run("getent", "group", "netdiag").out().split(":")[2]);
            String tarMember = as(uid, gid, tarGid);
            captureAsMember(tarMember, launcher);
            Host.Run tarPing = hidden(tarMember + launcher + " ping -c 1 -W 2 127.0.0.1");
            assertEquals(0, tarPing.exitCode(), tarPing.out() + tarPing.err());
            assertTrue(tarPing.out().contains("1 received"), tarPing.out());
            Host.Run tarRefused = hidden(as(uid, gid, null) + launcher + " capture -i lo -c 1");
            assertEquals(3, tarRefused.exitCode(), tarRefused.out() + tarRefused.err());
        } finally {
            if (lintian != null) {
                lintian.destroyForcibly();
            }
            if (installed()) {
                dpkg("--purge", "netdiag");
            }
            Host.run("userdel", USER);
            Host.run("groupdel", USER);
            if (!groupBefore) {
                Host.run("groupdel", "netdiag");
            }
            if (!exporterUserBefore) {
                Host.run("userdel", "netdiag-exporter");
                Host.run("groupdel", "netdiag-exporter");
            }
            Host.run("rm", "-rf", out.toString(), opt.toString());
        }
    }

    /**
     * README's commands that set a tarball up for group capture, as a root shell runs them: "sudo " dropped, the
     * built tarball's path for its name, and {@code opt} for /opt.
     */
    private static String tarballSetup(Path tarball, Path opt) throws java.io.IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        int at = readme.indexOf("To give a group capture from a tarball");
        assertTrue(at >= 0, "README no longer says how to set a tarball up for a group");
        int start = readme.indexOf("```sh\n", at) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        assertTrue(block.contains("setcap"), block);
        return block.replace("sudo ", "")
                .replaceAll("netdiag-[^ /]+-linux-x86_64\\.tar\\.gz", tarball.toString())
                .replace("/opt", opt.toString());
    }

    private static void assertLeftAsBefore(Map<String, Boolean> existedBefore) {
        List<String> wrong = new ArrayList<>();
        existedBefore.forEach((path, before) -> {
            if (Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS) != before) {
                wrong.add(path + (before ? " vanished" : " left behind"));
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** A member captures on lo: the helper gives the runtime CAP_NET_RAW/ADMIN, and the packets are there. */
    private static void captureAsMember(String member, String launcher) throws Exception {
        Path err = Files.createTempFile("netdiag-dist-capture", ".err");
        try (DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket sender = new DatagramSocket()) {
            int port = target.getLocalPort();
            Process p = new ProcessBuilder(withoutJdk(member + launcher + " capture -i lo -c 2 udp port " + port))
                    .redirectError(err.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(err).contains("listening on")) {
                    if (!p.isAlive()) {
                        fail("member capture ended: " + Files.readString(err));
                    }
                    assertTrue(System.nanoTime() < deadline, "no banner: " + Files.readString(err));
                    Thread.sleep(20);
                }
                for (int i = 0; i < 2; i++) {
                    sender.send(new DatagramPacket(new byte[10], 10, InetAddress.getLoopbackAddress(), port));
                }
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "member capture did not stop after 2 packets");
                String printed = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.exitValue(), Files.readString(err));
                List<String> packets = printed.lines().filter(l -> l.contains(" UDP ")).toList();
                assertEquals(2, packets.size(), printed);
                assertTrue(packets.get(0).contains(" → " + port + " Len=10"), printed);
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
