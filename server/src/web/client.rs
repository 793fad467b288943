use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Who is on the other end of a request, for sessions, rate limits and the audit trail.
#[derive(Clone, Debug)]
pub struct ClientInfo {
    pub ip: IpAddr,
    pub user_agent: String,
}

impl ClientInfo {
    /// The client as the request-context layer recorded it (or worked out again, if it did not run).
    pub fn of_request(parts: &Parts) -> Self {
        parts.extensions.get::<ClientInfo>().cloned().unwrap_or_else(|| ClientInfo::of(parts, false))
    }

    pub fn of(parts: &Parts, trust_forwarded_for: bool) -> Self {
        let forwarded = trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            // The rightmost entry is the one the proxy in front of us added; the others are the client's word.
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(400)
            .collect();
        ClientInfo { ip: forwarded.or(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), user_agent }
    }
}
