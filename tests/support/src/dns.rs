//! A DNS server on 127.0.0.1 (UDP) answering SRV questions from a fixed table, for the
//! Autodiscover DNS SRV step: every other question is answered NXDOMAIN. Each question asked
//! is recorded (name and type).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// One SRV record: (owner name, priority, weight, port, target host).
pub type Srv = (String, u16, u16, u16, String);

/// A running DNS server.
pub struct DnsServer {
    /// Its address (127.0.0.1, a port of its own).
    pub addr: SocketAddr,
    asked: Arc<Mutex<Vec<(String, u16)>>>,
}

impl DnsServer {
    /// Starts a server answering the SRV questions of `records` (owner names without the
    /// final dot, compared case-insensitively).
    pub async fn start(records: Vec<Srv>) -> DnsServer {
        let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1 (UDP)");
        let addr = sock.local_addr().expect("address");
        let asked: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
        let log = asked.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            loop {
                let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                    return;
                };
                if let Some((name, qtype, answer)) = answer(&buf[..n], &records) {
                    log.lock().unwrap().push((name, qtype));
                    let _ = sock.send_to(&answer, peer).await;
                }
            }
        });
        DnsServer { addr, asked }
    }

    /// The questions asked so far: (name without the final dot, type; 33 is SRV).
    pub fn asked(&self) -> Vec<(String, u16)> {
        self.asked.lock().unwrap().clone()
    }
}

/// The answer to one query: its question's name and type, and the response message.
fn answer(query: &[u8], records: &[Srv]) -> Option<(String, u16, Vec<u8>)> {
    if query.len() < 12 || u16::from_be_bytes([query[4], query[5]]) != 1 {
        return None;
    }
    // The question: QNAME (labels, no compression in a query), QTYPE, QCLASS.
    let mut i = 12;
    let mut labels = Vec::new();
    loop {
        let len = *query.get(i)? as usize;
        i += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(i..i + len)?).into_owned());
        i += len;
    }
    let qtype = u16::from_be_bytes([*query.get(i)?, *query.get(i + 1)?]);
    let question_end = i + 4;
    query.get(..question_end)?;
    let name = labels.join(".");
    let found: Vec<&Srv> = records
        .iter()
        .filter(|r| qtype == 33 && r.0.eq_ignore_ascii_case(&name))
        .collect();
    let mut out = Vec::new();
    out.extend_from_slice(&query[..2]); // id
    let rd = query[2] & 0x01;
    let rcode = if found.is_empty() { 3 } else { 0 }; // NXDOMAIN, or no error
    out.push(0x84 | rd); // QR, AA, RD as asked
    out.push(0x80 | rcode); // RA, RCODE
    out.extend_from_slice(&1u16.to_be_bytes()); // QDCOUNT
    out.extend_from_slice(&(found.len() as u16).to_be_bytes()); // ANCOUNT
    out.extend_from_slice(&[0, 0, 0, 0]); // NSCOUNT, ARCOUNT
    out.extend_from_slice(&query[12..question_end]);
    for (_, priority, weight, port, target) in found {
        let mut rdata = Vec::new();
        rdata.extend_from_slice(&priority.to_be_bytes());
        rdata.extend_from_slice(&weight.to_be_bytes());
        rdata.extend_from_slice(&port.to_be_bytes());
        for label in target.trim_end_matches('.').split('.') {
            rdata.push(label.len() as u8);
            rdata.extend_from_slice(label.as_bytes());
        }
        rdata.push(0);
        out.extend_from_slice(&[0xC0, 0x0C]); // the question's name
        out.extend_from_slice(&33u16.to_be_bytes()); // SRV
        out.extend_from_slice(&1u16.to_be_bytes()); // IN
        out.extend_from_slice(&60u32.to_be_bytes()); // TTL
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(&rdata);
    }
    Some((name, qtype, out))
}
