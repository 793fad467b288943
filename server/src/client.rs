//! Who is on the other end of a request, for sessions, rate limits and the audit trail.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Debug)]
pub struct ClientInfo {
    pub ip: IpAddr,
    pub user_agent: String,
}

impl ClientInfo {
    /// `ip` as the client's address (IPv4-mapped IPv6 addresses become IPv4), and the first 400
    /// characters of its user agent.
    pub fn new(ip: IpAddr, user_agent: &str) -> Self {
        ClientInfo { ip: canonical(ip), user_agent: user_agent.chars().take(400).collect() }
    }

    /// A client whose address is unknown (the command line, say).
    pub fn local() -> Self {
        ClientInfo::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), "")
    }

    /// The bucket this client is counted in by every rate limit.
    pub fn key(&self) -> ClientKey {
        ClientKey::of(self.ip)
    }
}

/// The part of an address one client controls: the address itself for IPv4, the /64 network
/// for IPv6 (one machine commonly has a whole /64, and picks a new address from it at will).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey(String);

impl ClientKey {
    pub fn of(ip: IpAddr) -> Self {
        match canonical(ip) {
            IpAddr::V4(v4) => ClientKey(v4.to_string()),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                ClientKey(format!("{network}/64"))
            }
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// IPv4 clients of a dual-stack listener arrive as `::ffff:a.b.c.d`: they are IPv4 clients,
/// each its own bucket, not one /64 for all of them.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client's address as the proxy in front of us saw it: the last entry of the last
/// `X-Forwarded-For` line. Every earlier entry, and every earlier line, is the client's own
/// word; a proxy that appends a line of its own must not let the client's line win.
pub fn forwarded_for<'a>(header_lines: impl Iterator<Item = &'a str>) -> Option<IpAddr> {
    let last_line = header_lines.last()?;
    last_line.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn an_ipv6_client_is_its_64_network() {
        assert_eq!(ClientKey::of(ip("2001:db8:1:2::1")), ClientKey::of(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(ClientKey::of(ip("2001:db8:1:2::1")), ClientKey::of(ip("2001:db8:1:3::1")));
        assert_eq!(ClientKey::of(ip("2001:db8:1:2::1")).as_str(), "2001:db8:1:2::/64");
        assert_eq!(ClientKey::of(ip("10.0.0.1")).as_str(), "10.0.0.1");
    }

    #[test]
    fn ipv4_mapped_clients_are_ipv4_clients() {
        assert_eq!(ClientKey::of(ip("::ffff:10.0.0.1")).as_str(), "10.0.0.1");
        assert_ne!(ClientKey::of(ip("::ffff:10.0.0.1")), ClientKey::of(ip("::ffff:10.0.0.2")));
        assert_eq!(ClientInfo::new(ip("::ffff:10.0.0.1"), "").ip, ip("10.0.0.1"));
    }

    #[test]
    fn the_proxy_wins_over_the_client() {
        assert_eq!(forwarded_for(["1.1.1.1, 2.2.2.2"].into_iter()), Some(ip("2.2.2.2")));
        // The client sent its own line; the proxy appended another.
        assert_eq!(forwarded_for(["6.6.6.6", "1.1.1.1, 3.3.3.3"].into_iter()), Some(ip("3.3.3.3")));
        assert_eq!(forwarded_for(std::iter::empty()), None);
        assert_eq!(forwarded_for(["not an address"].into_iter()), None);
        // An unreadable last line (the proxy's, spoiled by the client) names nobody.
        assert_eq!(forwarded_for(["6.6.6.6", ""].into_iter()), None);
    }
}
