package io.netdiag.testing;

/**
 * The client -- router -- server namespaces {@link Namespaces#routedPath} builds: their names, the interface at each
 * end of the two links, and the addresses on them (client .2 and router .1 on the near link, router .1 and server .2
 * on the far one).
 */
public record RoutedPath(String client, String router, String server, String stem, String near4, String near6, String far4,
        String far6) {
    public String clientLink() {
        return stem + "c";
    }

    public String routerNearLink() {
        return stem + "rc";
    }

    public String routerFarLink() {
        return stem + "rs";
    }

    public String serverLink() {
        return stem + "s";
    }

    public String client4() {
        return near4 + ".2";
    }

    public String client6() {
        return near6 + "2";
    }

    public String routerNear4() {
        return near4 + ".1";
    }

    public String routerNear6() {
        return near6 + "1";
    }

    public String routerFar4() {
        return far4 + ".1";
    }

    public String routerFar6() {
        return far6 + "1";
    }

    public String server4() {
        return far4 + ".2";
    }

    public String server6() {
        return far6 + "2";
    }
}
