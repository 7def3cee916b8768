// Rust's standard library failing against LoopbackPeers (ToolErrorTextTest): each case prints "name|error text".
// Argument: the peers' ports, "closed=P, silent=P, ...".
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn port(ports: &str, name: &str) -> u16 {
    for kv in ports.split(',') {
        let kv = kv.trim();
        if let Some(v) = kv.strip_prefix(&format!("{}=", name)) {
            return v.parse().unwrap();
        }
    }
    panic!("{}", name)
}

fn main() {
    let ports = std::env::args().nth(1).unwrap();
    let at = |name: &str| ("127.0.0.1", port(&ports, name));
    match TcpStream::connect(at("closed")) {
        Ok(_) => println!("connect-refused|no error"),
        Err(e) => { println!("connect-refused|{}", e); println!("connect-refused-debug|Error: {:?}", e); }
    }
    let r = TcpStream::connect(at("silent")).and_then(|mut s| {
        s.set_read_timeout(Some(Duration::from_millis(500)))?;
        let mut b = [0u8; 10];
        s.read(&mut b).map(|_| ())
    });
    println!("read-timeout|{}", r.err().map(|e| e.to_string()).unwrap_or("no error".into()));
    let r = TcpStream::connect(at("reset")).and_then(|mut s| {
        s.write_all(b"hello")?;
        let mut b = [0u8; 10];
        s.read(&mut b).map(|_| ())
    });
    println!("read-reset|{}", r.err().map(|e| e.to_string()).unwrap_or("no error".into()));
    let a = at("fullBacklog");
    let r = TcpStream::connect_timeout(&format!("{}:{}", a.0, a.1).parse().unwrap(), Duration::from_millis(1000));
    println!("connect-timeout|{}", r.err().map(|e| e.to_string()).unwrap_or("no error".into()));
}
