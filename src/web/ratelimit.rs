//! Per-client rate limiting for the endpoints that cost work: search and suggestions.
//!
//! Each client gets a token bucket: it holds at most `burst` tokens, refills at `rate`
//! tokens per second, and every request to a limited path takes one. An empty bucket
//! answers 429 with `Retry-After` (the whole seconds until a token is back) and a German
//! message, HTML for the results page and JSON for the API. Pages, assets and
//! attachments are never limited: they are pre-rendered and cost next to nothing.
//!
//! The client is the peer address of the connection. `X-Forwarded-For` is believed only
//! when the peer is a configured trusted proxy; anyone else could write any address
//! there and so get a fresh bucket with every request. IPv6 clients are counted per /64
//! network, because one household or phone gets a whole /64 and can pick addresses from
//! it at will.
//!
//! The table of buckets is bounded ([`MAX_CLIENTS`]): when it is full, buckets that have
//! refilled completely are dropped (they behave exactly like a new one), and if that is
//! not enough, the least recently seen eighth goes too. Memory therefore stays bounded
//! even when a flood comes from many addresses.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use super::Shared;
use super::lang::PageLang;
use super::respond;
use crate::views::Lang;

/// The paths whose requests take a token: the results page in both languages (the
/// English one runs the same search) and the search API.
pub const LIMITED_PATHS: &[&str] = &["/suche", "/en/suche", "/api/v1/search", "/api/v1/suggest"];

/// Default sustained requests per second per client.
///
/// A school class of 30 behind one NAT address, each typing a query with suggestions
/// (a few requests per second while typing, then a pause to read), stays well below it;
/// a script hammering the search does not.
pub const DEFAULT_RATE_PER_SECOND: u32 = 30;
/// Default bucket size: how many requests a client may send at once after a pause.
/// Large enough for a whole class pressing "Suchen" at the same moment.
pub const DEFAULT_BURST: u32 = 300;
/// Most clients tracked at once (about 40 bytes each, so a few megabytes at most).
pub const MAX_CLIENTS: usize = 100_000;
/// IPv6 clients are counted per network of this prefix length.
pub const IPV6_CLIENT_PREFIX: u8 = 64;
/// Share of the table dropped (least recently seen first) when sweeping idle
/// buckets did not free enough room: 1 / this.
const EVICT_FRACTION: usize = 8;

/// How much each client may search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Sustained requests per second per client; 0 switches limiting off.
    pub per_second: u32,
    /// Requests a client may send at once.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            per_second: DEFAULT_RATE_PER_SECOND,
            burst: DEFAULT_BURST,
        }
    }
}

/// An IP network written as `address` or `address/prefix`, for trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

/// Why a network could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("„{0}“ ist keine IP-Adresse und kein Netz (Beispiele: 10.0.0.5, 10.0.0.0/8, ::1)")]
pub struct NetworkParseError(String);

impl FromStr for Network {
    type Err = NetworkParseError;

    fn from_str(s: &str) -> Result<Network, NetworkParseError> {
        let error = || NetworkParseError(s.to_owned());
        let s = s.trim();
        let (address, prefix) = match s.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (s, None),
        };
        let address: IpAddr = address.parse().map_err(|_| error())?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(error)?,
            None => max,
        };
        Ok(Network {
            address: mask(address, prefix),
            prefix,
        })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl Network {
    /// Whether `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.address.is_ipv4() && mask(ip, self.prefix) == self.address
    }
}

/// The address a request is counted under: the peer, or, when the peer is a trusted
/// proxy, the nearest address in `X-Forwarded-For` that is not a trusted proxy.
///
/// Proxies append the address they received a connection from, so the list is read
/// from the right; the first untrusted entry is the one no client could have forged.
/// An unreadable entry stops the walk at the last trusted hop.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[Network],
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    let hops = forwarded_for.iter().flat_map(|v| v.split(',')).rev();
    for hop in hops {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

/// The outcome of asking the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Too many requests; a token is back after this long.
    Deny {
        /// Time until the next request would be allowed.
        retry_after: Duration,
    },
}

/// The token buckets of all clients, shared by all workers.
pub struct RateLimiter {
    config: RateLimitConfig,
    max_clients: usize,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter with the default table size.
    pub fn new(config: RateLimitConfig) -> RateLimiter {
        RateLimiter::with_capacity(config, MAX_CLIENTS)
    }

    /// A limiter tracking at most `max_clients` clients.
    pub fn with_capacity(config: RateLimitConfig, max_clients: usize) -> RateLimiter {
        RateLimiter {
            config,
            max_clients: max_clients.max(EVICT_FRACTION),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether limiting is on.
    pub fn is_enabled(&self) -> bool {
        self.config.per_second > 0
    }

    /// Takes a token for `client` now.
    pub fn check(&self, client: IpAddr) -> Decision {
        self.check_at(client, Instant::now())
    }

    /// Takes a token for `client` at the given time (tests pass their own clock).
    pub fn check_at(&self, client: IpAddr, now: Instant) -> Decision {
        if !self.is_enabled() {
            return Decision::Allow;
        }
        let rate = f64::from(self.config.per_second);
        let burst = f64::from(self.config.burst.max(1));
        let key = client_key(client);
        // A poisoned lock only means another request panicked while holding it; the
        // table is still a valid table.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !buckets.contains_key(&key) && buckets.len() >= self.max_clients {
            self.make_room(&mut buckets, now, rate, burst);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now.max(bucket.updated);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allow
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Decision::Deny {
                retry_after: Duration::from_secs_f64(wait),
            }
        }
    }

    /// How many clients are tracked now.
    pub fn tracked_clients(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Drops full buckets; if that frees less than an eighth of the table, also the
    /// least recently seen eighth. Runs at most once per eighth of the table's inserts.
    fn make_room(
        &self,
        buckets: &mut HashMap<IpAddr, Bucket>,
        now: Instant,
        rate: f64,
        burst: f64,
    ) {
        let full_after = Duration::from_secs_f64(burst / rate);
        buckets.retain(|_, b| now.saturating_duration_since(b.updated) < full_after);
        let target = self.max_clients - self.max_clients / EVICT_FRACTION;
        if buckets.len() > target {
            let mut seen: Vec<(Instant, IpAddr)> =
                buckets.iter().map(|(ip, b)| (b.updated, *ip)).collect();
            seen.sort_unstable();
            let excess = buckets.len() - target;
            for (_, ip) in seen.into_iter().take(excess) {
                buckets.remove(&ip);
            }
        }
    }
}

/// The middleware: limits [`LIMITED_PATHS`] per client, passes everything else.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limiter = req.app_data::<web::Data<Limiter>>().cloned();
    let Some(limiter) = limiter.filter(|l| l.buckets.is_enabled()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    if !LIMITED_PATHS.contains(&req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = forwarded_for(req.headers());
    let Some(client) = client_address(peer, &forwarded, &limiter.trusted_proxies) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    match limiter.buckets.check(client) {
        Decision::Allow => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Decision::Deny { retry_after } => {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            let seconds = seconds.max(1);
            tracing::warn!(%client, path = req.path(), "Anfragelimit erreicht");
            let response = too_many_requests(&req, seconds);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// The limiter and the proxies whose `X-Forwarded-For` is believed, as app data.
pub struct Limiter {
    /// The buckets.
    pub buckets: RateLimiter,
    /// Trusted reverse proxies.
    pub trusted_proxies: Vec<Network>,
}

fn too_many_requests(req: &ServiceRequest, seconds: u64) -> HttpResponse {
    let mut response = if req.path().starts_with("/api/") {
        // The API has no UI language: its messages are German, like its notes.
        HttpResponse::TooManyRequests()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({ "error": Lang::De.too_many_requests(seconds) }))
    } else {
        let lang = PageLang::of_service(req);
        let message = lang.lang.too_many_requests(seconds);
        match req.app_data::<web::Data<Shared>>() {
            Some(shared) => respond::problem(
                &shared.load(),
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                lang.lang.t().too_many_requests_title,
                &message,
            ),
            None => HttpResponse::TooManyRequests()
                .content_type("text/plain; charset=utf-8")
                .body(message),
        }
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    response
}

/// All `X-Forwarded-For` values in the order they were sent.
fn forwarded_for(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect()
}

/// IPv4-mapped IPv6 addresses are IPv4 clients.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The bucket key: the IPv4 address, or the IPv6 address's /64 network.
fn client_key(ip: IpAddr) -> IpAddr {
    let ip = canonical(ip);
    if ip.is_ipv6() {
        mask(ip, IPV6_CLIENT_PREFIX)
    } else {
        ip
    }
}

/// `ip` with all but the first `prefix` bits cleared.
fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let keep = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(prefix.min(32)))
            };
            IpAddr::V4((bits & keep).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let keep = if prefix == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(prefix.min(128)))
            };
            IpAddr::V6(Ipv6Addr::from(bits & keep))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<Network> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let limiter = RateLimiter::new(RateLimitConfig {
            per_second: 2,
            burst: 3,
        });
        let t0 = Instant::now();
        let client = ip("192.0.2.1");
        for _ in 0..3 {
            assert_eq!(limiter.check_at(client, t0), Decision::Allow);
        }
        let Decision::Deny { retry_after } = limiter.check_at(client, t0) else {
            panic!("the fourth request at once must be refused");
        };
        assert_eq!(retry_after, Duration::from_millis(500));
        // Another client is not affected.
        assert_eq!(limiter.check_at(ip("192.0.2.2"), t0), Decision::Allow);
        // Half a second later one token is back, and only one.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(limiter.check_at(client, t1), Decision::Allow);
        assert!(matches!(
            limiter.check_at(client, t1),
            Decision::Deny { .. }
        ));
        // After a long pause the bucket is full again, but never fuller than the burst.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.check_at(client, t2), Decision::Allow);
        }
        assert!(matches!(
            limiter.check_at(client, t2),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn zero_rate_switches_limiting_off() {
        let limiter = RateLimiter::new(RateLimitConfig {
            per_second: 0,
            burst: 1,
        });
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert_eq!(limiter.check_at(ip("192.0.2.1"), t0), Decision::Allow);
        }
        assert_eq!(limiter.tracked_clients(), 0);
    }

    #[test]
    fn ipv6_clients_share_their_64_network() {
        let limiter = RateLimiter::new(RateLimitConfig {
            per_second: 1,
            burst: 1,
        });
        let t0 = Instant::now();
        assert_eq!(limiter.check_at(ip("2001:db8:1:2::1"), t0), Decision::Allow);
        assert!(matches!(
            limiter.check_at(ip("2001:db8:1:2:ffff::9"), t0),
            Decision::Deny { .. }
        ));
        assert_eq!(limiter.check_at(ip("2001:db8:1:3::1"), t0), Decision::Allow);
        // An IPv4-mapped address is the IPv4 client.
        assert_eq!(limiter.check_at(ip("192.0.2.7"), t0), Decision::Allow);
        assert!(matches!(
            limiter.check_at(ip("::ffff:192.0.2.7"), t0),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn the_table_stays_bounded_under_many_addresses() {
        let cap = 1000;
        let limiter = RateLimiter::with_capacity(
            RateLimitConfig {
                per_second: 1,
                burst: 5,
            },
            cap,
        );
        let t0 = Instant::now();
        for i in 0..20_000u32 {
            let client = IpAddr::V4((0x0a00_0000 + i).into());
            // All at the same instant: no bucket has refilled, so eviction must fall
            // back to dropping the least recently seen.
            limiter.check_at(client, t0);
            assert!(limiter.tracked_clients() <= cap);
        }
        // A client seen a moment ago is still being limited after the sweep.
        let recent = IpAddr::V4((0x0a00_0000 + 19_999).into());
        for _ in 0..4 {
            limiter.check_at(recent, t0);
        }
        assert!(matches!(
            limiter.check_at(recent, t0),
            Decision::Deny { .. }
        ));
    }

    #[test]
    fn networks_parse_and_match() {
        let n: Network = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains(ip("10.1.200.3")));
        assert!(!n.contains(ip("10.2.0.1")));
        assert!(n.contains(ip("::ffff:10.1.0.1")));
        let single: Network = " 127.0.0.1 ".parse().unwrap();
        assert!(single.contains(ip("127.0.0.1")));
        assert!(!single.contains(ip("127.0.0.2")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12:3456::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "host",
            "10.0.0/8",
            "10.0.0.1/-1",
        ] {
            assert!(bad.parse::<Network>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = nets(&["127.0.0.1", "10.0.0.0/8"]);
        let peer = Some(ip("127.0.0.1"));
        // From a trusted proxy: the rightmost address that is not a proxy.
        assert_eq!(
            client_address(peer, &["198.51.100.9, 10.0.0.4"], &trusted),
            Some(ip("198.51.100.9"))
        );
        // A client's forged entries on the left do not matter.
        assert_eq!(
            client_address(peer, &["1.2.3.4", "198.51.100.9"], &trusted),
            Some(ip("198.51.100.9"))
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            client_address(peer, &["<script>, 10.0.0.4"], &trusted),
            Some(ip("10.0.0.4"))
        );
        assert_eq!(client_address(peer, &[], &trusted), peer);
        // From anyone else the header is ignored.
        let stranger = Some(ip("203.0.113.5"));
        assert_eq!(
            client_address(stranger, &["198.51.100.9"], &trusted),
            stranger
        );
        assert_eq!(client_address(peer, &["198.51.100.9"], &[]), peer);
        assert_eq!(client_address(None, &["198.51.100.9"], &trusted), None);
    }
}
