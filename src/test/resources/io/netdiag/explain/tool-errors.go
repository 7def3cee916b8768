// Go's net, net/http and crypto/tls failing against LoopbackPeers (ToolErrorTextTest): each case prints
// "name|error text". Argument: the peers' ports, "closed=P, silent=P, ...".
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func port(name string) string {
	for _, kv := range strings.Split(os.Args[1], ",") {
		kv = strings.TrimSpace(kv)
		if strings.HasPrefix(kv, name+"=") {
			return kv[len(name)+1:]
		}
	}
	panic(name)
}

func show(name string, err error) {
	if err == nil {
		fmt.Println(name + "|no error")
		return
	}
	fmt.Println(name + "|" + err.Error())
}

func get(c *http.Client, url string) error {
	r, err := c.Get(url)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	_, err = io.ReadAll(r.Body)
	return err
}

func main() {
	h := "http://127.0.0.1:"
	c := &http.Client{Timeout: 2 * time.Second}
	show("http-refused", get(c, h+port("closed")+"/"))
	show("http-eof", get(c, h+port("closeAtOnce")+"/"))
	show("http-reset", get(c, h+port("reset")+"/"))
	show("http-garbage", get(c, h+port("garbage")+"/"))
	show("http-truncated", get(c, h+port("truncated")+"/"))
	show("http-headers-timeout", get(c, h+port("silent")+"/"))
	show("http-connect-timeout", get(c, h+port("fullBacklog")+"/"))
	show("https-plain", get(c, "https://127.0.0.1:"+port("plainHttp")+"/"))
	show("https-untrusted", get(c, "https://localhost:"+port("tls")+"/"))
	_, err := net.DialTimeout("tcp", "127.0.0.1:"+port("closed"), time.Second)
	show("dial-refused", err)
	conn, err := net.Dial("tcp", "127.0.0.1:"+port("silent"))
	if err == nil {
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		_, err = conn.Read(make([]byte, 10))
		conn.Close()
	}
	show("read-timeout", err)
	conn, err = net.Dial("tcp", "127.0.0.1:"+port("reset"))
	if err == nil {
		conn.Write([]byte("hello"))
		_, err = conn.Read(make([]byte, 10))
		conn.Close()
	}
	show("read-reset", err)
	tc, err := tls.Dial("tcp", "127.0.0.1:"+port("plainHttp"), &tls.Config{InsecureSkipVerify: true})
	if err == nil {
		tc.Close()
	}
	show("tls-plain", err)
}
