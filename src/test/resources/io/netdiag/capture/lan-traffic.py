"""
Writes a pcap (Ethernet) of the UDP protocols a LAN capture is full of, for TsharkDifferentialTest: mDNS
queries (QM, QU) and responses (cache flush; PTR, SRV, TXT, A, AAAA), LLMNR, DHCP (every common message type),
SSDP (M-SEARCH, NOTIFY, a response) and NetBIOS name service (query, response, registration, NBSTAT).
Usage: python3 lan-traffic.py OUT.pcap
"""
import struct, socket, sys
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def ip_udp(src,dst,sp,dp,payload,ttl=255):
    udp=struct.pack('!HHHH',sp,dp,8+len(payload),0)+payload
    ph=socket.inet_aton(src)+socket.inet_aton(dst)+struct.pack('!BBH',0,17,len(udp))
    c=csum(ph+udp) or 0xffff
    udp=udp[:6]+struct.pack('!H',c)+udp[8:]
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(udp),1,0,ttl,17,0,socket.inet_aton(src),socket.inet_aton(dst))
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+udp
def mcast_mac(ip):
    o=socket.inet_aton(ip); return bytes([1,0,0x5e,o[1]&0x7f,o[2],o[3]])
def eth(dst,src,payload): return dst+src+b'\x08\x00'+payload
SRC=bytes.fromhex('020000000001')
def name(n):
    return b''.join(bytes([len(p)])+p.encode() for p in n.split('.'))+b'\0'
pk=[]
# mDNS QM query
q=struct.pack('!HHHHHH',0,0,1,0,0,0)+name('_http._tcp.local')+struct.pack('!HH',12,1)
pk.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.10','224.0.0.251',5353,5353,q)))
# mDNS QU query
q=struct.pack('!HHHHHH',0,0,1,0,0,0)+name('printer.local')+struct.pack('!HH',1,0x8001)
pk.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.10','224.0.0.251',5353,5353,q)))
# mDNS response with cache flush A record
r=struct.pack('!HHHHHH',0,0x8400,0,1,0,0)+name('printer.local')+struct.pack('!HHIH',1,0x8001,120,4)+socket.inet_aton('192.168.1.20')
pk.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.20','224.0.0.251',5353,5353,r)))
# LLMNR query
q=struct.pack('!HHHHHH',0x1234,0,1,0,0,0)+name('host')+struct.pack('!HH',1,1)
pk.append(eth(mcast_mac('224.0.0.252'),SRC,ip_udp('192.168.1.10','224.0.0.252',50000,5355,q,ttl=1)))
# DHCP discover
bootp=struct.pack('!BBBBIHH4s4s4s4s16s64s128s',1,1,6,0,0x3903F326,0,0x8000,b'\0'*4,b'\0'*4,b'\0'*4,b'\0'*4,SRC+b'\0'*10,b'\0'*64,b'\0'*128)
bootp+=b'\x63\x82\x53\x63'+bytes([53,1,1, 55,3,1,3,6, 255])
pk.append(eth(b'\xff'*6,SRC,ip_udp('0.0.0.0','255.255.255.255',68,67,bootp,ttl=64)))
# DHCP ack
bootp=struct.pack('!BBBBIHH4s4s4s4s16s64s128s',2,1,6,0,0x3903F326,0,0,b'\0'*4,socket.inet_aton('192.168.1.10'),socket.inet_aton('192.168.1.1'),b'\0'*4,SRC+b'\0'*10,b'\0'*64,b'\0'*128)
bootp+=b'\x63\x82\x53\x63'+bytes([53,1,5, 54,4,192,168,1,1, 255])
pk.append(eth(SRC,bytes.fromhex('020000000002'),ip_udp('192.168.1.1','192.168.1.10',67,68,bootp,ttl=64)))
# SSDP M-SEARCH and NOTIFY
m=b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'
pk.append(eth(mcast_mac('239.255.255.250'),SRC,ip_udp('192.168.1.10','239.255.255.250',50001,1900,m,ttl=4)))
n=b'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n'
pk.append(eth(mcast_mac('239.255.255.250'),SRC,ip_udp('192.168.1.20','239.255.255.250',1900,1900,n,ttl=4)))
r=b'HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n'
pk.append(eth(SRC,SRC,ip_udp('192.168.1.20','192.168.1.10',1900,50001,r,ttl=4)))
# NBNS name query WORKGROUP<1d>
def nbname(n,suffix):
    n=n.upper().ljust(15)[:15].encode()+bytes([suffix]); enc=b''.join(bytes([0x41+(c>>4),0x41+(c&15)]) for c in n)
    return bytes([32])+enc+b'\0'
q=struct.pack('!HHHHHH',0x8a12,0x0110,1,0,0,0)+nbname('WORKGROUP',0x1d)+struct.pack('!HH',0x20,1)
pk.append(eth(b'\xff'*6,SRC,ip_udp('192.168.1.10','192.168.1.255',137,137,q,ttl=64)))

# ---- more variants
pk2=[]
def dhcp(t, xid, op=1):
    bootp=struct.pack('!BBBBIHH4s4s4s4s16s64s128s',op,1,6,0,xid,0,0,b'\0'*4,b'\0'*4,b'\0'*4,b'\0'*4,SRC+b'\0'*10,b'\0'*64,b'\0'*128)
    return bootp+b'\x63\x82\x53\x63'+bytes([0,0,53,1,t,255])
for t,xid in ((2,0x1234),(3,0xdeadbeef),(7,0x1),(8,0xabc),(6,0x55)):
    pk2.append(eth(b'\xff'*6,SRC,ip_udp('192.168.1.10','255.255.255.255',68,67,dhcp(t,xid),ttl=64)))
# mDNS: two questions, then a response with PTR + SRV + TXT + A (additional)
q=struct.pack('!HHHHHH',0,0,2,0,0,0)+name('_ipp._tcp.local')+struct.pack('!HH',12,1)+name('_http._tcp.local')+struct.pack('!HH',12,0x8001)
pk2.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.10','224.0.0.251',5353,5353,q)))
ptr=name('My Printer._ipp._tcp.local')
r=struct.pack('!HHHHHH',0,0x8400,0,2,0,1)+name('_ipp._tcp.local')+struct.pack('!HHIH',12,1,4500,len(ptr))+ptr
srv=struct.pack('!HHH',0,0,631)+name('printer.local')
r+=name('My Printer._ipp._tcp.local')+struct.pack('!HHIH',33,0x8001,120,len(srv))+srv
r+=name('printer.local')+struct.pack('!HHIH',1,0x8001,120,4)+socket.inet_aton('192.168.1.20')
pk2.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.20','224.0.0.251',5353,5353,r)))
# LLMNR response
r=struct.pack('!HHHHHH',0x1234,0x8000,1,1,0,0)+name('host')+struct.pack('!HH',1,1)+name('host')+struct.pack('!HHIH',1,1,30,4)+socket.inet_aton('192.168.1.30')
pk2.append(eth(SRC,SRC,ip_udp('192.168.1.30','192.168.1.10',5355,50000,r,ttl=64)))
# NBNS: response with NB answer, registration, NBSTAT query for *
def nb(n,suf): return nbname(n,suf)
r=struct.pack('!HHHHHH',0x8a12,0x8500,0,1,0,0)+nb('WORKGROUP',0x1d)+struct.pack('!HHIH',0x20,1,300000,6)+struct.pack('!H',0)+socket.inet_aton('192.168.1.20')
pk2.append(eth(SRC,SRC,ip_udp('192.168.1.20','192.168.1.10',137,137,r,ttl=64)))
reg=struct.pack('!HHHHHH',0x8a13,0x2910,1,0,0,1)+nb('MYHOST',0x00)+struct.pack('!HH',0x20,1)+b'\xc0\x0c'+struct.pack('!HHIH',0x20,1,300000,6)+struct.pack('!H',0)+socket.inet_aton('192.168.1.10')
pk2.append(eth(b'\xff'*6,SRC,ip_udp('192.168.1.10','192.168.1.255',137,137,reg,ttl=64)))
star=bytes([32])+b''.join(bytes([0x41+(c>>4),0x41+(c&15)]) for c in (b'*'+b'\0'*15))+b'\0'
q=struct.pack('!HHHHHH',0x8a14,0x0000,1,0,0,0)+star+struct.pack('!HH',0x21,1)
pk2.append(eth(SRC,SRC,ip_udp('192.168.1.10','192.168.1.20',137,137,q,ttl=64)))

pk3=[]
txt=b'\x09txtvers=1\x05rp=ok'
r=struct.pack('!HHHHHH',0,0x8400,0,1,0,0)+name('My Printer._ipp._tcp.local')+struct.pack('!HHIH',16,0x8001,4500,len(txt))+txt
pk3.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.20','224.0.0.251',5353,5353,r)))
a6=struct.pack('!HHHHHH',0,0x8400,0,1,0,0)+name('printer.local')+struct.pack('!HHIH',28,0x8001,120,16)+socket.inet_pton(socket.AF_INET6,'fe80::1')
pk3.append(eth(mcast_mac('224.0.0.251'),SRC,ip_udp('192.168.1.20','224.0.0.251',5353,5353,a6)))
out=struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1)
for i,p in enumerate(pk+pk2+pk3):
    out+=struct.pack('<IIII',1700000000+i,0,len(p),len(p))+p
open(sys.argv[1],'wb').write(out)
